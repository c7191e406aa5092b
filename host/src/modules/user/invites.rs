//! Invites to the back office: an email, a secret token (shown to the
//! admin who invites, to pass on), an expiry, and whether it was accepted.

use sea_query::{Alias, Expr, Query};
use serde_json::{Value, json};

use crate::db::table::{Table, now_value};
use crate::db::{ColumnKind as K, DbError, Exec};
use crate::framework::id::{generate_id, random_hex};

/// How long an invite can be accepted.
pub const INVITE_TTL_DAYS: i64 = 7;

const INVITES: Table = Table {
    name: "invite",
    columns: &[
        ("id", K::Text),
        ("email", K::Text),
        ("token", K::Text),
        ("accepted", K::Boolean),
        ("expires_at", K::Timestamp),
        ("metadata", K::Json),
        ("created_at", K::Timestamp),
        ("updated_at", K::Timestamp),
        ("deleted_at", K::Timestamp),
    ],
};

fn expiry() -> Value {
    let at = chrono::Utc::now() + chrono::Duration::days(INVITE_TTL_DAYS);
    Value::String(crate::db::codec::format_timestamp(at))
}

/// Creates an invite for `email` (already normalised); `Ok(None)` when one
/// is pending for it.
pub async fn create_invite(
    exec: &mut Exec<'_>,
    email: &str,
    metadata: Value,
) -> Result<Option<Value>, DbError> {
    let row = json!({
        "id": generate_id("invite"), "email": email, "token": random_hex(32), "accepted": false,
        "expires_at": expiry(), "metadata": metadata, "created_at": now_value(), "updated_at": now_value(),
    });
    let row = row.as_object().cloned().unwrap_or_default();
    match exec.execute(&INVITES.insert(&row, exec.dialect())?).await {
        Ok(_) => Ok(Some(Value::Object(row))),
        Err(DbError::UniqueViolation { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Invites (not deleted), newest first, with the total.
pub async fn list_invites(
    exec: &mut Exec<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Value>, i64), DbError> {
    let mut page = INVITES.select();
    page.and_where(INVITES.col("deleted_at").is_null())
        .order_by(
            (Alias::new("invite"), Alias::new("created_at")),
            sea_query::Order::Desc,
        )
        .limit(limit)
        .offset(offset);
    let rows = exec.fetch(&page, &INVITES.specs()).await?;
    let mut count = Query::select();
    count
        .expr(Expr::col((Alias::new("invite"), Alias::new("id"))).count())
        .from(Alias::new("invite"))
        .and_where(INVITES.col("deleted_at").is_null());
    let total = exec.fetch_i64(&count).await?;
    Ok((rows.into_iter().map(Value::Object).collect(), total))
}

/// The invite whose `column` is `value` (not deleted).
pub async fn find_invite(
    exec: &mut Exec<'_>,
    column: &str,
    value: &str,
) -> Result<Option<Value>, DbError> {
    let mut select = INVITES.select();
    select
        .and_where(INVITES.col(column).eq(value))
        .and_where(INVITES.col("deleted_at").is_null());
    let rows = exec.fetch(&select, &INVITES.specs()).await?;
    Ok(rows.into_iter().next().map(Value::Object))
}

/// Sets `changes` on invite `id`.
pub async fn update_invite(exec: &mut Exec<'_>, id: &str, changes: Value) -> Result<(), DbError> {
    let mut set = changes.as_object().cloned().unwrap_or_default();
    set.insert("updated_at".into(), now_value());
    let mut update = INVITES.update(&set, exec.dialect())?;
    update.and_where(INVITES.col("id").eq(id));
    exec.execute(&update).await?;
    Ok(())
}

/// A new token and expiry for invite `id`.
pub async fn renew_invite(exec: &mut Exec<'_>, id: &str) -> Result<(), DbError> {
    update_invite(
        exec,
        id,
        json!({ "token": random_hex(32), "expires_at": expiry() }),
    )
    .await
}

/// Soft-deletes invite `id`.
pub async fn delete_invite(exec: &mut Exec<'_>, id: &str) -> Result<(), DbError> {
    update_invite(exec, id, json!({ "deleted_at": now_value() })).await
}
