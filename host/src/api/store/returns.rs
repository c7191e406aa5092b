//! `POST /store/returns` (§2.11): a customer asks to return items of an
//! order. The request is checked against the order (each item belongs to it,
//! and no more is returned than was ordered and not already requested), the
//! return shipping option must be a return option, and the return, its items
//! and the `order.return_requested` event are written in one transaction.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::orders::order_response;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::read;
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::data::FindOptions;
use crate::framework::query::fields::FieldTree;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnItemBody {
    id: String,
    quantity: i64,
    reason_id: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnShipping {
    option_id: String,
    price: Option<rust_decimal::Decimal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateReturn {
    order_id: String,
    items: Vec<ReturnItemBody>,
    return_shipping: ReturnShipping,
    note: Option<String>,
    receive_now: Option<bool>,
    location_id: Option<String>,
}

fn orders(state: &AppState) -> Result<crate::framework::data::ModuleService, ApiError> {
    state
        .runtime()
        .registry
        .service("order")
        .ok_or_else(ApiError::unknown)
}

/// The option must exist and not be restricted to outbound shipping.
async fn check_return_option(state: &AppState, option_id: &str) -> Result<(), ApiError> {
    let option = read::one(
        state,
        "shipping_option",
        FieldTree::from_paths(["id", "rules.attribute", "rules.value"]),
        read::by_id(option_id),
        format!("Shipping option with id: {option_id} was not found"),
    )
    .await
    .map_err(|_| {
        ApiError::invalid_data(format!(
            "Shipping option with id: {option_id} was not found"
        ))
    })?;
    let outbound_only = option["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["attribute"] == "is_return" && r["value"] == "false");
    if outbound_only {
        return Err(ApiError::invalid_data(format!(
            "Shipping option {option_id} is not a return shipping option"
        )));
    }
    Ok(())
}

/// Request a return.
#[utoipa::path(post, path = "/returns", tag = "Store", responses((status = 200, description = "{return}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateReturn>,
) -> Result<Json<Value>, ApiError> {
    if body.items.is_empty() {
        return Err(ApiError::invalid_data("items must not be empty"));
    }
    let order = order_response(&state, &body.order_id).await?;
    check_return_option(&state, &body.return_shipping.option_id).await?;
    let ordered: HashMap<String, i64> = order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| Some((i["id"].as_str()?.to_owned(), i["quantity"].as_i64()?)))
        .collect();
    for item in &body.items {
        if let Some(reason) = &item.reason_id {
            read::one(
                &state,
                "return_reason",
                FieldTree::from_paths(["id"]),
                read::by_id(reason),
                String::new(),
            )
            .await
            .map_err(|_| {
                ApiError::invalid_data(format!("Return reason with id: {reason} was not found"))
            })?;
        }
    }

    let service = orders(&state)?;
    let mut tx = state.db().begin().await?;
    // What earlier returns of this order already claim, read inside the write transaction.
    let earlier = service
        .list(
            &mut Exec::Tx(&mut tx),
            "return",
            &json!({ "order_id": body.order_id, "status": ["requested", "received"] }),
            &FindOptions {
                fields: Some(FieldTree::from_paths([
                    "id",
                    "items.item_id",
                    "items.quantity",
                ])),
                ..Default::default()
            },
        )
        .await?;
    let mut claimed: HashMap<String, i64> = HashMap::new();
    for ret in &earlier {
        for item in ret["items"].as_array().into_iter().flatten() {
            let id = item["item_id"].as_str().unwrap_or_default().to_owned();
            *claimed.entry(id).or_default() += item["quantity"].as_i64().unwrap_or(0);
        }
    }
    for item in &body.items {
        let Some(quantity) = ordered.get(&item.id) else {
            return Err(ApiError::invalid_data(format!(
                "Item {} does not belong to order {}",
                item.id, body.order_id
            )));
        };
        let left = quantity - claimed.get(&item.id).copied().unwrap_or(0);
        if item.quantity < 1 || item.quantity > left {
            return Err(ApiError::invalid_data(format!(
                "Cannot request to return {} of item {}: {left} can still be returned",
                item.quantity, item.id
            )));
        }
        *claimed.entry(item.id.clone()).or_default() += item.quantity;
    }
    let received = body.receive_now.unwrap_or(false);
    let row = json!({
        "order_id": body.order_id,
        "status": if received { "received" } else { "requested" },
        "shipping_option_id": body.return_shipping.option_id,
        "shipping_price": body.return_shipping.price,
        "location_id": body.location_id,
        "note": body.note,
        "received_at": received.then(|| crate::db::codec::format_timestamp(chrono::Utc::now())),
    });
    let created = service
        .create(
            &mut Exec::Tx(&mut tx),
            "return",
            vec![row.as_object().cloned().unwrap_or_default()],
        )
        .await?;
    let return_id = created
        .first()
        .and_then(|r| r["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let items = body
        .items
        .iter()
        .map(|i| {
            json!({ "return_id": return_id, "item_id": i.id, "quantity": i.quantity, "reason_id": i.reason_id, "note": i.note })
                .as_object()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    service
        .create(&mut Exec::Tx(&mut tx), "return_item", items)
        .await?;
    let event = json!({ "order_id": body.order_id, "return_id": return_id });
    let events = &state.runtime().events;
    events
        .emit(&mut Exec::Tx(&mut tx), "order.return_requested", &event)
        .await?;
    if received {
        events
            .emit(&mut Exec::Tx(&mut tx), "order.return_received", &event)
            .await?;
    }
    tx.commit().await?;
    events.wake();
    let ret = read::one(
        &state,
        "return",
        FieldTree::from_paths(["*", "items.*"]),
        read::by_id(&return_id),
        format!("Return with id: {return_id} was not found"),
    )
    .await?;
    Ok(envelope::one("return", ret))
}
