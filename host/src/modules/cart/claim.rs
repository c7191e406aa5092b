//! Claiming a cart for completion: one conditional update, so that of two
//! concurrent completions of the same cart exactly one proceeds.

use sea_query::{Alias, Expr, Query};
use serde_json::Value;

use crate::db::{ColumnKind, DbError, Exec, codec};

fn col(c: &str) -> Expr {
    Expr::col((Alias::new("cart"), Alias::new(c)))
}

/// Sets `completed_at` if it was not set; false when another completion got there first.
pub async fn claim(exec: &mut Exec<'_>, cart_id: &str) -> Result<bool, DbError> {
    let now = Value::String(codec::format_timestamp(chrono::Utc::now()));
    let now = codec::encode(&now, ColumnKind::Timestamp, exec.dialect())
        .map_err(|e| DbError::Build(e.to_string()))?;
    let mut update = Query::update();
    update
        .table(Alias::new("cart"))
        .value(Alias::new("completed_at"), now)
        .and_where(col("id").eq(cart_id))
        .and_where(col("completed_at").is_null());
    Ok(exec.execute(&update).await? == 1)
}

/// Undoes [`claim`].
pub async fn release(exec: &mut Exec<'_>, cart_id: &str) -> Result<(), DbError> {
    let mut update = Query::update();
    update
        .table(Alias::new("cart"))
        .value(Alias::new("completed_at"), Expr::cust("NULL"))
        .and_where(col("id").eq(cart_id));
    exec.execute(&update).await?;
    Ok(())
}
