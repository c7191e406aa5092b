//! Fulfillment in the Admin API (§3.4): fulfillment sets and their service
//! zones (create, update, delete), and the fulfillment providers.

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
use crate::flows::locations;

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

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    geo_zones: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Rename a service zone or replace its geo zones; answers the fulfillment set.
#[utoipa::path(post, path = "/fulfillment-sets/{id}/service-zones/{zone_id}", tag = "Admin", params(("id" = String, Path), ("zone_id" = String, Path)), responses((status = 200, description = "{fulfillment_set}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update_zone(
    State(state): State<AppState>,
    Path((set, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<ZoneUpdate>,
) -> Result<Json<Value>, ApiError> {
    zone(&state, &set, &id, Some("fields=id")).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    run(&state, locations::UPDATE_SERVICE_ZONE, input).await?;
    Ok(envelope::one(
        "fulfillment_set",
        fulfillment_set(&state, &set, raw.as_deref()).await?,
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
