//! `/admin/inventory-items` (§3.3): inventory items (create, update,
//! delete) and their levels per stock location (`available_quantity` =
//! stocked − reserved): create, update, delete, batch.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::inventory_levels as flows;

const FIELDS: &[&str] = &[
    "id",
    "sku",
    "title",
    "description",
    "thumbnail",
    "origin_country",
    "hs_code",
    "requires_shipping",
    "mid_code",
    "material",
    "weight",
    "length",
    "height",
    "width",
    "metadata",
    "created_at",
    "updated_at",
    "location_levels.*",
];

/// Adds `available_quantity` to each level and the item's totals.
fn shape(mut item: Value) -> Value {
    let (mut stocked, mut reserved) = (0, 0);
    for level in item["location_levels"].as_array_mut().into_iter().flatten() {
        let s = level["stocked_quantity"].as_i64().unwrap_or(0);
        let r = level["reserved_quantity"].as_i64().unwrap_or(0);
        stocked += s;
        reserved += r;
        level["available_quantity"] = json!(s - r);
    }
    if item.get("location_levels").is_some() {
        item["stocked_quantity"] = json!(stocked);
        item["reserved_quantity"] = json!(reserved);
    }
    item
}

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let item = read::one(
        state,
        "inventory_item",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("Inventory item with id: {id} was not found"),
    )
    .await?;
    Ok(shape(item))
}

/// List inventory items (`q`, `id`, `sku`, `title`, `requires_shipping`).
#[utoipa::path(get, path = "/inventory-items", tag = "Admin", responses((status = 200, description = "{inventory_items, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(20, None);
    let filters = q.filters(&["id", "q", "sku", "title", "requires_shipping"]);
    let (rows, count) = read::list(
        &state,
        "inventory_item",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "inventory_items",
        rows.into_iter().map(shape).collect(),
        count,
        opts.offset,
        opts.limit.unwrap_or(20),
    ))
}

/// An item body: only item columns (and `location_levels` on create), each
/// of the right type.
fn check_item(body: &Map<String, Value>, creating: bool) -> Result<(), ApiError> {
    for (key, value) in body {
        let known =
            flows::ITEM_COLUMNS.contains(&key.as_str()) || (creating && key == "location_levels");
        if !known {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Unrecognized fields: '{key}'"
            )));
        }
        let ok = match key.as_str() {
            "requires_shipping" => value.is_boolean(),
            "weight" | "length" | "height" | "width" => value.is_number() || value.is_null(),
            "metadata" => value.is_object() || value.is_null(),
            "location_levels" => value.is_array(),
            _ => value.is_string() || value.is_null(),
        };
        if !ok {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{key}' has the wrong type"
            )));
        }
    }
    for level in body
        .get("location_levels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        serde_json::from_value::<LevelBody>(level.clone()).map_err(|e| {
            ApiError::invalid_data(format!("Invalid request: location_levels: {e}"))
        })?;
    }
    Ok(())
}

/// Create an inventory item, optionally stocked at locations.
#[utoipa::path(post, path = "/inventory-items", tag = "Admin", responses((status = 200, description = "{inventory_item}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check_item(&body, true)?;
    let created = run(&state, flows::CREATE_ITEM, Value::Object(body)).await?;
    Ok(envelope::one(
        "inventory_item",
        fetch(
            &state,
            created["id"].as_str().unwrap_or_default(),
            raw.as_deref(),
        )
        .await?,
    ))
}

/// Retrieve an inventory item with its levels.
#[utoipa::path(get, path = "/inventory-items/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{inventory_item}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "inventory_item",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Update an inventory item's fields.
#[utoipa::path(post, path = "/inventory-items/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{inventory_item}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check_item(&body, false)?;
    fetch(&state, &id, Some("fields=id")).await?;
    let mut input = Value::Object(body);
    input["id"] = json!(id);
    run(&state, flows::UPDATE_ITEM, input).await?;
    Ok(envelope::one(
        "inventory_item",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete an inventory item (refused while it has reservations).
#[utoipa::path(delete, path = "/inventory-items/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    run(&state, flows::DELETE_ITEM, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "inventory_item", None))
}

/// List an item's levels (`location_id`).
#[utoipa::path(get, path = "/inventory-items/{id}/location-levels", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{inventory_levels, count, offset, limit}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn levels(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let mut filters: Map<String, Value> = q.filters(&["location_id"]);
    filters.insert("inventory_item_id".into(), json!(id));
    let (rows, count) = read::list(
        &state,
        "inventory_level",
        q.field_tree(&["*"]),
        filters,
        opts.clone(),
    )
    .await?;
    let rows = rows
        .into_iter()
        .map(|mut level| {
            let available = level["stocked_quantity"].as_i64().unwrap_or(0)
                - level["reserved_quantity"].as_i64().unwrap_or(0);
            level["available_quantity"] = json!(available);
            level
        })
        .collect();
    Ok(envelope::list(
        "inventory_levels",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelBody {
    location_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stocked_quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    incoming_quantity: Option<i64>,
}

/// Stock an item at a location.
#[utoipa::path(post, path = "/inventory-items/{id}/location-levels", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{inventory_item}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create_level(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<LevelBody>,
) -> Result<Json<Value>, ApiError> {
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["inventory_item_id"] = json!(id);
    run(&state, flows::CREATE_LEVEL, input).await?;
    Ok(envelope::one(
        "inventory_item",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stocked_quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    incoming_quantity: Option<i64>,
}

/// Change an item's quantities at a location.
#[utoipa::path(post, path = "/inventory-items/{id}/location-levels/{location_id}", tag = "Admin", params(("id" = String, Path), ("location_id" = String, Path)), responses((status = 200, description = "{inventory_item}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update_level(
    State(state): State<AppState>,
    Path((id, location)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<LevelUpdate>,
) -> Result<Json<Value>, ApiError> {
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["inventory_item_id"] = json!(id);
    input["location_id"] = json!(location);
    run(&state, flows::UPDATE_LEVEL, input).await?;
    Ok(envelope::one(
        "inventory_item",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Stop stocking an item at a location (refused while units are reserved there).
#[utoipa::path(delete, path = "/inventory-items/{id}/location-levels/{location_id}", tag = "Admin", params(("id" = String, Path), ("location_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete_level(
    State(state): State<AppState>,
    Path((id, location)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    let out = run(
        &state,
        flows::DELETE_LEVEL,
        json!({ "inventory_item_id": id, "location_id": location }),
    )
    .await?;
    Ok(envelope::deleted(
        out["id"].as_str().unwrap_or_default(),
        "inventory-level",
        Some(("parent", fetch(&state, &id, None).await?)),
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelBatch {
    #[serde(default)]
    create: Vec<LevelBody>,
    #[serde(default)]
    update: Vec<LevelBody>,
    #[serde(default)]
    delete: Vec<String>,
}

/// Create, update and delete an item's levels in one transaction.
#[utoipa::path(post, path = "/inventory-items/{id}/location-levels/batch", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{inventory_item}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn batch_levels(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<LevelBatch>,
) -> Result<Json<Value>, ApiError> {
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["inventory_item_id"] = json!(id);
    run(&state, flows::BATCH_LEVELS, input).await?;
    Ok(envelope::one(
        "inventory_item",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}
