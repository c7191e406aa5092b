//! `/admin/price-lists` (§3.7): sales and overrides for a period, optionally
//! only for customer groups, with their prices per variant.

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
use crate::flows::price_lists as flows;

const FIELDS: &[&str] = &[
    "id",
    "title",
    "description",
    "type",
    "status",
    "starts_at",
    "ends_at",
    "rules",
    "created_at",
    "updated_at",
    "deleted_at",
    "prices.*",
];

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    read::one(
        state,
        "price_list",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("Price list with id: {id} was not found"),
    )
    .await
}

/// List price lists (`q`, `id`, `status`).
#[utoipa::path(get, path = "/price-lists", tag = "Admin", responses((status = 200, description = "{price_lists, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let filters = q.filters(&["id", "q", "status", "created_at", "updated_at"]);
    let (rows, count) = read::list(
        &state,
        "price_list",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "price_lists",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListPrice {
    variant_id: String,
    currency_code: String,
    amount: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rules: Option<Value>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceListBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    starts_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ends_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rules: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prices: Option<Vec<ListPrice>>,
}

/// Create a price list with its prices.
#[utoipa::path(post, path = "/price-lists", tag = "Admin", responses((status = 200, description = "{price_list}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<PriceListBody>,
) -> Result<Json<Value>, ApiError> {
    if body.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'title' is required",
        ));
    }
    let input = serde_json::to_value(&body).unwrap_or_default();
    let created = run(&state, flows::CREATE, input).await?;
    Ok(envelope::one(
        "price_list",
        fetch(
            &state,
            created["id"].as_str().unwrap_or_default(),
            raw.as_deref(),
        )
        .await?,
    ))
}

/// Retrieve a price list with its prices.
#[utoipa::path(get, path = "/price-lists/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{price_list}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "price_list",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Update a price list (prices change through `/prices/batch`).
#[utoipa::path(post, path = "/price-lists/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{price_list}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<PriceListBody>,
) -> Result<Json<Value>, ApiError> {
    if body.prices.is_some() {
        return Err(ApiError::invalid_data(
            "Invalid request: change prices with POST /admin/price-lists/:id/prices/batch",
        ));
    }
    fetch(&state, &id, Some("fields=id")).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    run(&state, flows::UPDATE, input).await?;
    Ok(envelope::one(
        "price_list",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a price list and its prices.
#[utoipa::path(delete, path = "/price-lists/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    run(&state, flows::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "price_list", None))
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceBatch {
    #[serde(default)]
    create: Vec<ListPrice>,
    #[serde(default)]
    update: Vec<Value>,
    #[serde(default)]
    delete: Vec<String>,
}

/// Create, update and delete a price list's prices.
#[utoipa::path(post, path = "/price-lists/{id}/prices/batch", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{created, updated, deleted}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn batch_prices(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PriceBatch>,
) -> Result<Json<Value>, ApiError> {
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    Ok(Json(run(&state, flows::BATCH_PRICES, input).await?))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProductsBody {
    #[serde(default)]
    remove: Vec<String>,
}

/// Take products out of a price list: its prices for their variants go.
#[utoipa::path(post, path = "/price-lists/{id}/products", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{price_list}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn products(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<ProductsBody>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    if !body.remove.is_empty() {
        let (variants, _) = read::list(
            &state,
            "product_variant",
            crate::framework::query::fields::FieldTree::from_paths(["id", "price_set.id"]),
            [("product_id".to_owned(), json!(body.remove))]
                .into_iter()
                .collect(),
            Default::default(),
        )
        .await?;
        let sets: Vec<Value> = variants
            .iter()
            .filter_map(|v| v["price_set"]["id"].as_str().map(Value::from))
            .collect();
        let (prices, _) = read::list(
            &state,
            "price",
            crate::framework::query::fields::FieldTree::from_paths(["id"]),
            [
                ("price_list_id".to_owned(), json!(id)),
                ("price_set_id".to_owned(), Value::Array(sets)),
            ]
            .into_iter()
            .collect(),
            Default::default(),
        )
        .await?;
        let ids: Vec<Value> = prices.iter().map(|p| p["id"].clone()).collect();
        if !ids.is_empty() {
            run(
                &state,
                flows::BATCH_PRICES,
                json!({ "id": id, "delete": ids }),
            )
            .await?;
        }
    }
    Ok(envelope::one(
        "price_list",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}
