//! Creating and counting users.

use sea_query::{Alias, Expr, Query};

use serde_json::Value;

use crate::db::table::Table;
use crate::db::{ColumnKind as K, DbError, Exec, Transaction};
use crate::framework::id::generate_id;

/// What it takes to create a user.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A created user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("`{0}` is not a valid email address")]
    InvalidEmail(String),
    #[error("a user with email {0} already exists")]
    Duplicate(String),
    #[error(transparent)]
    Db(DbError),
}

/// Normalises an email (trimmed, lower case) and checks its shape.
pub fn normalize_email(raw: &str) -> Result<String, UserError> {
    let email = raw.trim().to_lowercase();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(UserError::InvalidEmail(raw.to_owned()))
    }
}

/// Inserts a user in `tx`.
pub async fn create_user(tx: &mut Transaction, new: NewUser) -> Result<User, UserError> {
    let email = normalize_email(&new.email)?;
    let id = generate_id("user");
    let insert = Query::insert()
        .into_table(Alias::new("user"))
        .columns([
            Alias::new("id"),
            Alias::new("email"),
            Alias::new("first_name"),
            Alias::new("last_name"),
        ])
        .values([
            id.clone().into(),
            email.clone().into(),
            new.first_name.into(),
            new.last_name.into(),
        ])
        .map_err(|e| UserError::Db(DbError::Build(e.to_string())))?
        .to_owned();
    match tx.execute(&insert).await {
        Ok(_) => Ok(User { id, email }),
        Err(DbError::UniqueViolation { .. }) => Err(UserError::Duplicate(email)),
        Err(e) => Err(UserError::Db(e)),
    }
}

const USERS: Table = Table {
    name: "user",
    columns: &[
        ("id", K::Text),
        ("email", K::Text),
        ("first_name", K::Text),
        ("last_name", K::Text),
        ("avatar_url", K::Text),
        ("metadata", K::Json),
        ("created_at", K::Timestamp),
        ("updated_at", K::Timestamp),
        ("deleted_at", K::Timestamp),
    ],
};

/// User `id` as the Admin API shows it, unless deleted.
pub async fn find_user(exec: &mut Exec<'_>, id: &str) -> Result<Option<Value>, DbError> {
    let mut select = USERS.select();
    select
        .and_where(USERS.col("id").eq(id))
        .and_where(USERS.col("deleted_at").is_null());
    let rows = exec.fetch(&select, &USERS.specs()).await?;
    Ok(rows.into_iter().next().map(Value::Object))
}

/// Users (not deleted) by email, `offset`/`limit`, with the total; `q`
/// matches email, first or last name.
pub async fn list_users(
    exec: &mut Exec<'_>,
    q: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Value>, i64), DbError> {
    let matching = |mut select: sea_query::SelectStatement| {
        select.and_where(USERS.col("deleted_at").is_null());
        if let Some(q) = q {
            let like = format!("%{}%", q.to_lowercase());
            select.cond_where(
                sea_query::Cond::any()
                    .add(Expr::expr(sea_query::Func::lower(USERS.col("email"))).like(like.clone()))
                    .add(
                        Expr::expr(sea_query::Func::lower(USERS.col("first_name")))
                            .like(like.clone()),
                    )
                    .add(Expr::expr(sea_query::Func::lower(USERS.col("last_name"))).like(like)),
            );
        }
        select
    };
    let mut page = matching(USERS.select());
    page.order_by(
        (Alias::new("user"), Alias::new("email")),
        sea_query::Order::Asc,
    )
    .limit(limit)
    .offset(offset);
    let rows = exec.fetch(&page, &USERS.specs()).await?;
    let mut count = Query::select();
    count
        .expr(Expr::col((Alias::new("user"), Alias::new("id"))).count())
        .from(Alias::new("user"));
    let total = exec.fetch_i64(&matching(count)).await?;
    Ok((rows.into_iter().map(Value::Object).collect(), total))
}

/// The user (not deleted) with `email`, if any.
pub async fn find_user_by_email(
    exec: &mut Exec<'_>,
    email: &str,
) -> Result<Option<Value>, DbError> {
    let mut select = USERS.select();
    select
        .and_where(USERS.col("email").eq(email))
        .and_where(USERS.col("deleted_at").is_null());
    let rows = exec.fetch(&select, &USERS.specs()).await?;
    Ok(rows.into_iter().next().map(Value::Object))
}

/// Sets `changes` (first and last name, avatar, metadata, deletion) on user `id`.
pub async fn update_user(exec: &mut Exec<'_>, id: &str, changes: Value) -> Result<(), DbError> {
    let mut set = changes.as_object().cloned().unwrap_or_default();
    set.insert("updated_at".into(), crate::db::table::now_value());
    let mut update = USERS.update(&set, exec.dialect())?;
    update.and_where(USERS.col("id").eq(id));
    exec.execute(&update).await?;
    Ok(())
}

/// Number of users that are not deleted.
pub async fn count_users(tx: &mut Transaction) -> Result<i64, DbError> {
    let select = Query::select()
        .expr(Expr::col(Alias::new("id")).count())
        .from(Alias::new("user"))
        .and_where(Expr::col(Alias::new("deleted_at")).is_null())
        .to_owned();
    tx.fetch_i64(&select).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Admin@Example.COM ").ok().as_deref(),
            Some("admin@example.com")
        );
        for bad in [
            "",
            "admin",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad} should be rejected");
        }
    }
}
