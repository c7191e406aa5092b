//! Campaign budgets, consumed atomically: usage (one per order) or spend
//! (the discount given), never past the limit even under concurrency.

use sea_query::{Alias, Cond, Expr, Query};

use crate::db::{DbError, Exec};

fn col(c: &str) -> Expr {
    Expr::col((Alias::new("campaign_budget"), Alias::new(c)))
}

/// Adds `amount` to the budget's `used` if it stays within `limit`; false otherwise.
pub async fn consume(exec: &mut Exec<'_>, budget_id: &str, amount: f64) -> Result<bool, DbError> {
    let mut update = Query::update();
    update
        .table(Alias::new("campaign_budget"))
        .value(Alias::new("used"), col("used").add(amount))
        .and_where(col("id").eq(budget_id))
        .cond_where(
            Cond::any()
                .add(col("limit").is_null())
                .add(Expr::expr(col("used").add(amount)).lte(col("limit"))),
        );
    Ok(exec.execute(&update).await? == 1)
}

/// Gives `amount` back to the budget.
pub async fn restore(exec: &mut Exec<'_>, budget_id: &str, amount: f64) -> Result<(), DbError> {
    let mut update = Query::update();
    update
        .table(Alias::new("campaign_budget"))
        .value(Alias::new("used"), col("used").sub(amount))
        .and_where(col("id").eq(budget_id));
    exec.execute(&update).await?;
    Ok(())
}
