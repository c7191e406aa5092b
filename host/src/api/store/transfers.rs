//! Order transfers (§5.3, [2.x+]): a logged-in customer asks for an order
//! placed under their email (e.g. as a guest); whoever holds the token sent
//! to the order's email accepts or declines; the requester may cancel.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::orders::order_response;
use crate::api::auth_token::Customer;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::read;
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::query::fields::FieldTree;

fn orders(state: &AppState) -> Result<crate::framework::data::ModuleService, ApiError> {
    state
        .runtime()
        .registry
        .service("order")
        .ok_or_else(ApiError::unknown)
}

async fn open_transfer(state: &AppState, order_id: &str, filter: Value) -> Result<Value, ApiError> {
    let mut filters = filter.as_object().cloned().unwrap_or_default();
    filters.insert("order_id".into(), json!(order_id));
    filters.insert("status".into(), json!("requested"));
    read::one(
        state,
        "order_transfer",
        FieldTree::from_paths(["*"]),
        filters,
        "No pending transfer request matches".into(),
    )
    .await
    .map_err(|_| ApiError::not_allowed("No pending transfer request matches"))
}

async fn set_status(state: &AppState, transfer: &Value, status: &str) -> Result<(), ApiError> {
    let id = transfer["id"].as_str().unwrap_or_default();
    let changes = json!({ "status": status });
    orders(state)?
        .update_by_id(
            &mut Exec::Db(state.db()),
            "order_transfer",
            id,
            changes.as_object().unwrap_or(&Default::default()),
        )
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    description: Option<String>,
    #[allow(dead_code)]
    update_order_email: Option<bool>,
}

/// Ask for an order to be transferred to the logged-in customer.
#[utoipa::path(post, path = "/orders/{id}/transfer/request", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{order}")))]
pub async fn request(
    State(state): State<AppState>,
    Customer(claims): Customer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransferRequest>,
) -> Result<Json<Value>, ApiError> {
    let order = order_response(&state, &id).await?;
    if order["customer_id"].as_str() == Some(claims.actor_id.as_str()) {
        return Err(ApiError::not_allowed(
            "The order already belongs to this customer",
        ));
    }
    let token = crate::framework::id::random_hex(32);
    let row = json!({ "order_id": id, "customer_id": claims.actor_id, "token": token, "description": body.description });
    // The request and its event commit together; a notification subscriber
    // delivers the token to the order's email.
    let mut tx = state.db().begin().await?;
    let created = orders(&state)?
        .create(
            &mut Exec::Tx(&mut tx),
            "order_transfer",
            vec![row.as_object().cloned().unwrap_or_default()],
        )
        .await?;
    let event = json!({ "id": id, "transfer_id": created.first().map(|t| t["id"].clone()), "token": token, "email": order["email"] });
    state
        .runtime()
        .events
        .emit(&mut Exec::Tx(&mut tx), "order.transfer_requested", &event)
        .await?;
    tx.commit().await?;
    state.runtime().events.wake();
    Ok(envelope::one("order", order))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferToken {
    token: String,
}

/// Accept a transfer with the token sent to the order's email.
#[utoipa::path(post, path = "/orders/{id}/transfer/accept", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{order}")))]
pub async fn accept(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransferToken>,
) -> Result<Json<Value>, ApiError> {
    let transfer = open_transfer(&state, &id, json!({ "token": body.token })).await?;
    let changes = json!({ "customer_id": transfer["customer_id"] });
    orders(&state)?
        .update_by_id(
            &mut Exec::Db(state.db()),
            "order",
            &id,
            changes.as_object().unwrap_or(&Default::default()),
        )
        .await?;
    set_status(&state, &transfer, "accepted").await?;
    Ok(envelope::one("order", order_response(&state, &id).await?))
}

/// Decline a transfer with the token sent to the order's email.
#[utoipa::path(post, path = "/orders/{id}/transfer/decline", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{order}")))]
pub async fn decline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransferToken>,
) -> Result<Json<Value>, ApiError> {
    let transfer = open_transfer(&state, &id, json!({ "token": body.token })).await?;
    set_status(&state, &transfer, "declined").await?;
    Ok(envelope::one("order", order_response(&state, &id).await?))
}

/// Cancel one's own pending transfer request.
#[utoipa::path(post, path = "/orders/{id}/transfer/cancel", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{order}")))]
pub async fn cancel(
    State(state): State<AppState>,
    Customer(claims): Customer,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let transfer = open_transfer(&state, &id, json!({ "customer_id": claims.actor_id })).await?;
    set_status(&state, &transfer, "canceled").await?;
    Ok(envelope::one("order", order_response(&state, &id).await?))
}
