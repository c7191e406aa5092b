//! Shipping options for a cart (§2.6) and payment (§2.7).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::carts::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::db::Exec;
use crate::flows::cart as flows;
use crate::framework::query::fields::FieldTree;

/// Shipping options the cart can use.
#[utoipa::path(get, path = "/shipping-options", tag = "Store", params(("cart_id" = String, Query), ("is_return" = Option<bool>, Query)), responses((status = 200, description = "{shipping_options}")))]
pub async fn list_shipping_options(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let cart_id = q
        .param("cart_id")
        .ok_or_else(|| ApiError::invalid_data("Invalid request: Field 'cart_id' is required"))?;
    let is_return = q.param("is_return").as_deref() == Some("true");
    let cart =
        flows::shipping_cart(&mut Exec::Db(state.db()), &state.runtime().query, &cart_id).await?;
    let options = flows::options_for_cart(
        &mut Exec::Db(state.db()),
        &state.runtime().query,
        &cart,
        is_return,
    )
    .await?;
    Ok(Json(json!({ "shipping_options": options })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calculate {
    cart_id: String,
    #[allow(dead_code)]
    data: Option<Value>,
}

/// The price of one option for a cart.
#[utoipa::path(post, path = "/shipping-options/{id}/calculate", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{shipping_option}")))]
pub async fn calculate_shipping_option(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Calculate>,
) -> Result<Json<Value>, ApiError> {
    let cart = flows::shipping_cart(
        &mut Exec::Db(state.db()),
        &state.runtime().query,
        &body.cart_id,
    )
    .await?;
    let options = flows::options_for_cart(
        &mut Exec::Db(state.db()),
        &state.runtime().query,
        &cart,
        false,
    )
    .await?;
    let option = options
        .into_iter()
        .find(|o| o["id"].as_str() == Some(id.as_str()))
        .ok_or_else(|| {
            ApiError::not_found(format!("Shipping option with id: {id} was not found"))
        })?;
    Ok(envelope::one("shipping_option", option))
}

/// Payment providers of a region.
#[utoipa::path(get, path = "/payment-providers", tag = "Store", params(("region_id" = String, Query)), responses((status = 200, description = "{payment_providers, count, offset, limit}")))]
pub async fn list_payment_providers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let region_id = q.param("region_id").ok_or_else(|| {
        ApiError::not_allowed("You must provide the region_id to list payment providers")
    })?;
    let region = read::one(
        &state,
        "region",
        FieldTree::from_paths(["id", "payment_providers.*"]),
        read::by_id(&region_id),
        format!("Region with id: {region_id} was not found"),
    )
    .await?;
    let providers: Vec<Value> = region["payment_providers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["is_enabled"] != false)
        .map(|p| json!({ "id": p["id"], "is_enabled": p["is_enabled"] }))
        .collect();
    let count = providers.len() as i64;
    Ok(envelope::list("payment_providers", providers, count, 0, 50))
}

/// The collection a payment workflow answered (`{id, collection?}`): as it
/// reported it, or read when it did not.
async fn collection_of(state: &AppState, mut out: Value) -> Result<Value, ApiError> {
    match out.get_mut("collection").map(Value::take) {
        Some(collection @ Value::Object(_)) => Ok(collection),
        _ => collection_response(state, out["id"].as_str().unwrap_or_default()).await,
    }
}

async fn collection_response(state: &AppState, id: &str) -> Result<Value, ApiError> {
    read::one(
        state,
        "payment_collection",
        FieldTree::from_paths(["*", "payment_sessions.*", "payments.*"]),
        read::by_id(id),
        format!("Payment collection with id: {id} was not found"),
    )
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCollection {
    cart_id: String,
}

/// The cart's payment collection (created once per cart).
#[utoipa::path(post, path = "/payment-collections", tag = "Store", responses((status = 200, description = "{payment_collection}")))]
pub async fn create_payment_collection(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<NewCollection>,
) -> Result<Json<Value>, ApiError> {
    let out = run(
        &state,
        flows::CREATE_PAYMENT_COLLECTION,
        json!({ "cart_id": body.cart_id }),
    )
    .await?;
    Ok(envelope::one(
        "payment_collection",
        collection_of(&state, out).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    provider_id: String,
    context: Option<Value>,
    data: Option<Value>,
}

/// Start paying with a provider.
#[utoipa::path(post, path = "/payment-collections/{id}/payment-sessions", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{payment_collection}")))]
pub async fn create_payment_session(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewSession>,
) -> Result<Json<Value>, ApiError> {
    let out = run(&state, flows::CREATE_PAYMENT_SESSION, json!({ "collection_id": id, "provider_id": body.provider_id, "context": body.context, "data": body.data })).await?;
    Ok(envelope::one(
        "payment_collection",
        collection_of(&state, out).await?,
    ))
}
