//! Fulfillment in the Admin API (§3.4): fulfillment sets and their service
//! zones, shipping options, and the fulfillment providers.

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
use crate::flows::{locations, shipping_options};

const SET_FIELDS: &[&str] = &[
    "id",
    "name",
    "type",
    "metadata",
    "created_at",
    "updated_at",
    "service_zones.*",
    "service_zones.geo_zones.*",
];

const ZONE_FIELDS: &[&str] = &[
    "id",
    "name",
    "metadata",
    "fulfillment_set_id",
    "created_at",
    "updated_at",
    "geo_zones.*",
];

const OPTION_FIELDS: &[&str] = &[
    "id",
    "name",
    "price_type",
    "data",
    "provider_id",
    "shipping_profile_id",
    "service_zone_id",
    "metadata",
    "created_at",
    "updated_at",
    "type.*",
    "rules.*",
    "shipping_price_set.prices.*",
    "service_zone.*",
    "shipping_profile.*",
    "provider.*",
];

async fn fulfillment_set(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    read::one(
        state,
        "fulfillment_set",
        q.field_tree(SET_FIELDS),
        read::by_id(id),
        format!("FulfillmentSet with id: {id} was not found"),
    )
    .await
}

/// Delete a fulfillment set with its zones and options.
#[utoipa::path(delete, path = "/fulfillment-sets/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete_set(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fulfillment_set(&state, &id, Some("fields=id")).await?;
    run(
        &state,
        locations::DELETE_FULFILLMENT_SET,
        json!({ "id": id }),
    )
    .await?;
    Ok(envelope::deleted(&id, "fulfillment_set", None))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceZoneBody {
    name: String,
    #[serde(default)]
    geo_zones: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Add a service zone (with its geo zones) to a fulfillment set.
#[utoipa::path(post, path = "/fulfillment-sets/{id}/service-zones", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{fulfillment_set}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create_zone(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<ServiceZoneBody>,
) -> Result<Json<Value>, ApiError> {
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["fulfillment_set_id"] = json!(id);
    run(&state, locations::CREATE_SERVICE_ZONE, input).await?;
    Ok(envelope::one(
        "fulfillment_set",
        fulfillment_set(&state, &id, raw.as_deref()).await?,
    ))
}

async fn zone(state: &AppState, set: &str, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let mut filters = read::by_id(id);
    filters.insert("fulfillment_set_id".into(), json!(set));
    read::one(
        state,
        "service_zone",
        q.field_tree(ZONE_FIELDS),
        filters,
        format!("Service zone with id: {id} not found"),
    )
    .await
}

/// Retrieve a service zone.
#[utoipa::path(get, path = "/fulfillment-sets/{id}/service-zones/{zone_id}", tag = "Admin", params(("id" = String, Path), ("zone_id" = String, Path)), responses((status = 200, description = "{service_zone}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get_zone(
    State(state): State<AppState>,
    Path((set, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "service_zone",
        zone(&state, &set, &id, raw.as_deref()).await?,
    ))
}

/// Delete a service zone with its shipping options.
#[utoipa::path(delete, path = "/fulfillment-sets/{id}/service-zones/{zone_id}", tag = "Admin", params(("id" = String, Path), ("zone_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete_zone(
    State(state): State<AppState>,
    Path((set, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    zone(&state, &set, &id, Some("fields=id")).await?;
    run(&state, locations::DELETE_SERVICE_ZONE, json!({ "id": id })).await?;
    let parent = fulfillment_set(&state, &set, None).await?;
    Ok(envelope::deleted(
        &id,
        "service_zone",
        Some(("fulfillment_set", parent)),
    ))
}

async fn option(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let mut found = read::one(
        state,
        "shipping_option",
        q.field_tree(OPTION_FIELDS),
        read::by_id(id),
        format!("Shipping option with id: {id} not found"),
    )
    .await?;
    flatten_prices(&mut found);
    Ok(found)
}

/// Medusa shows an option's prices as `prices`, not through its price set.
fn flatten_prices(option: &mut Value) {
    if let Some(map) = option.as_object_mut()
        && let Some(set) = map.remove("shipping_price_set")
    {
        map.insert(
            "prices".into(),
            set.get("prices").cloned().unwrap_or_else(|| json!([])),
        );
    }
}

/// List shipping options (`q`, `id`, `service_zone_id`, `shipping_profile_id`, `provider_id`).
#[utoipa::path(get, path = "/shipping-options", tag = "Admin", responses((status = 200, description = "{shipping_options, count, offset, limit}"), (status = 401)))]
pub async fn list_options(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(20, None);
    let filters = q.filters(&[
        "id",
        "q",
        "service_zone_id",
        "shipping_profile_id",
        "provider_id",
        "created_at",
        "updated_at",
    ]);
    let (mut rows, count) = read::list(
        &state,
        "shipping_option",
        q.field_tree(OPTION_FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    rows.iter_mut().for_each(flatten_prices);
    Ok(envelope::list(
        "shipping_options",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(20),
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionType {
    label: String,
    #[serde(default)]
    description: String,
    code: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionPrice {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region_id: Option<String>,
    amount: f64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionRule {
    operator: String,
    attribute: String,
    value: Value,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOption {
    name: String,
    service_zone_id: String,
    shipping_profile_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<Value>,
    price_type: String,
    provider_id: String,
    #[serde(rename = "type")]
    kind: OptionType,
    prices: Vec<OptionPrice>,
    #[serde(default)]
    rules: Vec<OptionRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Create a shipping option with its type, rules and prices.
#[utoipa::path(post, path = "/shipping-options", tag = "Admin", responses((status = 200, description = "{shipping_option}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create_option(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<CreateOption>,
) -> Result<Json<Value>, ApiError> {
    if !["flat", "calculated"].contains(&body.price_type.as_str()) {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'price_type' must be flat or calculated",
        ));
    }
    let input = serde_json::to_value(&body).unwrap_or_default();
    let created = run(&state, shipping_options::CREATE, input).await?;
    let id = created["id"].as_str().unwrap_or_default();
    Ok(envelope::one(
        "shipping_option",
        option(&state, id, raw.as_deref()).await?,
    ))
}

/// Retrieve a shipping option.
#[utoipa::path(get, path = "/shipping-options/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{shipping_option}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get_option(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "shipping_option",
        option(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a shipping option.
#[utoipa::path(delete, path = "/shipping-options/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete_option(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    option(&state, &id, Some("fields=id")).await?;
    run(&state, shipping_options::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "shipping_option", None))
}

/// List fulfillment providers (`id`, `is_enabled`).
#[utoipa::path(get, path = "/fulfillment-providers", tag = "Admin", responses((status = 200, description = "{fulfillment_providers, count, offset, limit}"), (status = 401)))]
pub async fn providers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let (rows, count) = read::list(
        &state,
        "fulfillment_provider",
        q.field_tree(&["id", "is_enabled"]),
        q.filters(&["id", "is_enabled"]),
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "fulfillment_providers",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}
