//! Atomic reservations: stock is reserved with one conditional update, so
//! concurrent checkouts can never reserve more than is stocked.

use sea_query::{Alias, Expr, Query};

use crate::db::{DbError, Exec};

fn col(c: &str) -> Expr {
    Expr::col((Alias::new("inventory_level"), Alias::new(c)))
}

/// Reserves `quantity` of `item` at `location` if that much is available;
/// false when it is not.
pub async fn reserve(
    exec: &mut Exec<'_>,
    item: &str,
    location: &str,
    quantity: i64,
) -> Result<bool, DbError> {
    let mut update = Query::update();
    update
        .table(Alias::new("inventory_level"))
        .value(
            Alias::new("reserved_quantity"),
            col("reserved_quantity").add(quantity),
        )
        .and_where(col("inventory_item_id").eq(item))
        .and_where(col("location_id").eq(location))
        .and_where(col("deleted_at").is_null())
        .and_where(Expr::expr(col("stocked_quantity").sub(col("reserved_quantity"))).gte(quantity));
    Ok(exec.execute(&update).await? == 1)
}

/// Gives back a reservation of `quantity`.
pub async fn release(
    exec: &mut Exec<'_>,
    item: &str,
    location: &str,
    quantity: i64,
) -> Result<(), DbError> {
    let mut update = Query::update();
    update
        .table(Alias::new("inventory_level"))
        .value(
            Alias::new("reserved_quantity"),
            col("reserved_quantity").sub(quantity),
        )
        .and_where(col("inventory_item_id").eq(item))
        .and_where(col("location_id").eq(location));
    exec.execute(&update).await?;
    Ok(())
}

/// Ships `quantity` reserved units of `item` from `location`: they leave
/// both the stock and the reservations.
pub async fn fulfil(
    exec: &mut Exec<'_>,
    item: &str,
    location: &str,
    quantity: i64,
) -> Result<(), DbError> {
    let mut update = Query::update();
    update
        .table(Alias::new("inventory_level"))
        .value(
            Alias::new("stocked_quantity"),
            col("stocked_quantity").sub(quantity),
        )
        .value(
            Alias::new("reserved_quantity"),
            col("reserved_quantity").sub(quantity),
        )
        .and_where(col("inventory_item_id").eq(item))
        .and_where(col("location_id").eq(location));
    exec.execute(&update).await?;
    Ok(())
}
