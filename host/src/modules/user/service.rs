//! Creating and counting users.

use sea_query::{Alias, Expr, Query};

use crate::db::{DbError, Transaction};
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
