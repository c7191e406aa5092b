//! `/admin/stock-locations` (§3.3): warehouses with an address, the sales
//! channels they serve, their fulfillment providers and fulfillment sets.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::link_batch::BATCH_LINKS;
use crate::flows::locations as flows;

const FIELDS: &[&str] = &[
    "id",
    "name",
    "metadata",
    "created_at",
    "updated_at",
    "address.*",
];

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    read::one(
        state,
        "stock_location",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("Stock location with id: {id} was not found"),
    )
    .await
}

async fn answer(state: &AppState, id: &str, raw: Option<&str>) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "stock_location",
        fetch(state, id, raw).await?,
    ))
}

/// List stock locations (`q`, `id`, `name`, `address_id`, `sales_channel_id`,
/// `limit`, `offset`, `order`).
#[utoipa::path(get, path = "/stock-locations", tag = "Admin", responses((status = 200, description = "{stock_locations, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(20, None);
    let mut filters = q.filters(&["id", "name", "q", "address_id", "created_at", "updated_at"]);
    if let Some(ids) = q.list("id") {
        filters.insert("id".into(), json!(ids));
    }
    if let Some(channels) = q.list("sales_channel_id") {
        filters.insert("sales_channels".into(), json!({ "id": channels }));
    }
    let (rows, count) = read::list(
        &state,
        "stock_location",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "stock_locations",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(20),
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    address_1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    city: Option<String>,
    country_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    province: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LocationBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Create a stock location.
#[utoipa::path(post, path = "/stock-locations", tag = "Admin", responses((status = 200, description = "{stock_location}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<LocationBody>,
) -> Result<Json<Value>, ApiError> {
    if body.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'name' is required",
        ));
    }
    let input = serde_json::to_value(&body).unwrap_or_default();
    let created = run(&state, flows::CREATE_LOCATION, input).await?;
    answer(
        &state,
        created["id"].as_str().unwrap_or_default(),
        raw.as_deref(),
    )
    .await
}

/// Retrieve a stock location.
#[utoipa::path(get, path = "/stock-locations/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{stock_location}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    answer(&state, &id, raw.as_deref()).await
}

/// Update a stock location (its address is updated in place).
#[utoipa::path(post, path = "/stock-locations/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{stock_location}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<LocationBody>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    run(&state, flows::UPDATE_LOCATION, input).await?;
    answer(&state, &id, raw.as_deref()).await
}

/// Delete a stock location.
#[utoipa::path(delete, path = "/stock-locations/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    run(&state, flows::DELETE_LOCATION, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "stock_location", None))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddRemove {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
}

async fn relink(state: &AppState, id: &str, to: Value, body: AddRemove) -> Result<(), ApiError> {
    let input = json!({
        "from": { "module": "stock_location", "model": "stock_location", "id": id },
        "to": to, "add": body.add, "remove": body.remove,
    });
    run(state, BATCH_LINKS, input).await?;
    Ok(())
}

/// Add or remove the sales channels a location serves.
#[utoipa::path(post, path = "/stock-locations/{id}/sales-channels", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{stock_location}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn sales_channels(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<AddRemove>,
) -> Result<Json<Value>, ApiError> {
    let to = json!({ "module": "sales_channel", "model": "sales_channel" });
    relink(&state, &id, to, body).await?;
    answer(&state, &id, raw.as_deref()).await
}

/// Add or remove a location's fulfillment providers.
#[utoipa::path(post, path = "/stock-locations/{id}/fulfillment-providers", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{stock_location}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn fulfillment_providers(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<AddRemove>,
) -> Result<Json<Value>, ApiError> {
    let to = json!({ "module": "fulfillment", "model": "fulfillment_provider" });
    relink(&state, &id, to, body).await?;
    answer(&state, &id, raw.as_deref()).await
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FulfillmentSetBody {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

/// Create a fulfillment set for a location (`?fields=*fulfillment_sets` shows it).
#[utoipa::path(post, path = "/stock-locations/{id}/fulfillment-sets", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{stock_location}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn fulfillment_sets(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<FulfillmentSetBody>,
) -> Result<Json<Value>, ApiError> {
    let input = json!({ "location_id": id, "name": body.name, "type": body.kind });
    run(&state, flows::CREATE_FULFILLMENT_SET, input).await?;
    answer(&state, &id, raw.as_deref()).await
}
