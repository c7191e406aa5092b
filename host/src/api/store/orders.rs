//! Store orders (§2.10): a customer's orders, and any order by id.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use crate::api::auth_token::Customer;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::query::fields::FieldTree;

const ORDER_FIELDS: &[&str] = &[
    "*",
    "items.*",
    "items.tax_lines.*",
    "items.adjustments.*",
    "shipping_methods.*",
    "shipping_methods.tax_lines.*",
    "shipping_methods.adjustments.*",
    "shipping_address.*",
    "billing_address.*",
    "payment_collections.*",
    "payment_collections.payments.*",
    "fulfillments.*",
];

/// Adds totals, statuses, summary and item details to a loaded order.
async fn shape(state: &AppState, mut order: Value) -> Result<Value, ApiError> {
    crate::flows::cart::attach_variants(
        &mut Exec::Db(state.db()),
        &state.runtime().query,
        order.get_mut("items"),
    )
    .await?;
    let Some(map) = order.as_object_mut() else {
        return Ok(order);
    };
    crate::modules::totals::with_totals(map);
    let collections = map
        .get("payment_collections")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let payment_status = if collections
        .iter()
        .any(|c| c["status"] == "completed" || c["captured_amount"].as_f64().unwrap_or(0.0) > 0.0)
    {
        "captured"
    } else if collections.iter().any(|c| c["status"] == "authorized") {
        "authorized"
    } else {
        "not_paid"
    };
    let items: Vec<Value> = map
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let fulfillment_status = fulfillment_status(&items);
    map.insert("payment_status".into(), json!(payment_status));
    map.insert("fulfillment_status".into(), json!(fulfillment_status));
    let paid: f64 = collections
        .iter()
        .filter_map(|c| c["captured_amount"].as_f64())
        .sum();
    map.insert(
        "summary".into(),
        json!({ "total": map["total"], "subtotal": map["subtotal"], "total_tax": map["tax_total"], "ordered_total": map["total"],
                "fulfilled_total": 0, "returned_total": 0, "return_request_total": 0, "write_off_total": 0, "paid_total": paid, "refunded_total": 0 }),
    );
    if let Some(Value::Array(items)) = map.get_mut("items") {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            let detail = json!({
                "quantity": item["quantity"], "fulfilled_quantity": item["fulfilled_quantity"], "shipped_quantity": item["shipped_quantity"],
                "delivered_quantity": item["delivered_quantity"], "return_requested_quantity": 0, "return_received_quantity": 0,
                "return_dismissed_quantity": 0, "written_off_quantity": 0,
            });
            item.insert("detail".into(), detail);
        }
    }
    Ok(order)
}

/// Medusa's fulfillment status from the items' fulfilled, shipped and
/// delivered quantities (all of them, some of them, or none).
fn fulfillment_status(items: &[Value]) -> &'static str {
    let count = |key: &str| -> (bool, bool) {
        let all = !items.is_empty()
            && items
                .iter()
                .all(|i| i[key].as_i64().unwrap_or(0) >= i["quantity"].as_i64().unwrap_or(0));
        let some = items.iter().any(|i| i[key].as_i64().unwrap_or(0) > 0);
        (all, some)
    };
    let (delivered, some_delivered) = count("delivered_quantity");
    let (shipped, some_shipped) = count("shipped_quantity");
    let (fulfilled, some_fulfilled) = count("fulfilled_quantity");
    match () {
        _ if delivered => "delivered",
        _ if some_delivered => "partially_delivered",
        _ if shipped => "shipped",
        _ if some_shipped => "partially_shipped",
        _ if fulfilled => "fulfilled",
        _ if some_fulfilled => "partially_fulfilled",
        _ => "not_fulfilled",
    }
}

/// An order with everything the storefront shows.
pub async fn order_response(state: &AppState, id: &str) -> Result<Value, ApiError> {
    let order = read::one(
        state,
        "order",
        FieldTree::from_paths(ORDER_FIELDS),
        read::by_id(id),
        format!("Order with id: {id} was not found"),
    )
    .await?;
    shape(state, order).await
}

/// The logged-in customer's orders.
#[utoipa::path(get, path = "/orders", tag = "Store", responses((status = 200, description = "{orders, count, offset, limit}"), (status = 401)))]
pub async fn list_orders(
    State(state): State<AppState>,
    Customer(claims): Customer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, Some("-created_at"));
    let mut filters = q.filters(&["id", "status"]);
    filters.insert("customer_id".into(), json!(claims.actor_id));
    let (rows, count) = read::list(
        &state,
        "order",
        FieldTree::from_paths(ORDER_FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        orders.push(shape(&state, row).await?);
    }
    Ok(envelope::list(
        "orders",
        orders,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// An order by id.
#[utoipa::path(get, path = "/orders/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{order}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get_order(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one("order", order_response(&state, &id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fulfillment_status_follows_the_furthest_step_of_all_items() {
        let item = |f: i64, s: i64, d: i64| json!({ "quantity": 2, "fulfilled_quantity": f, "shipped_quantity": s, "delivered_quantity": d });
        assert_eq!(fulfillment_status(&[item(0, 0, 0)]), "not_fulfilled");
        assert_eq!(fulfillment_status(&[item(1, 0, 0)]), "partially_fulfilled");
        assert_eq!(fulfillment_status(&[item(2, 0, 0)]), "fulfilled");
        assert_eq!(
            fulfillment_status(&[item(2, 2, 0), item(2, 1, 0)]),
            "partially_shipped"
        );
        assert_eq!(fulfillment_status(&[item(2, 2, 2)]), "delivered");
        assert_eq!(fulfillment_status(&[]), "not_fulfilled");
    }
}
