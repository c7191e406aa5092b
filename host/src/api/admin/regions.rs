//! `/admin/regions` (§3.5): markets with a currency, countries, payment
//! providers and tax settings, every change through a region workflow.

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
use crate::flows::regions as flows;

const FIELDS: &[&str] = &[
    "id",
    "name",
    "currency_code",
    "automatic_taxes",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
    "countries.*",
    "payment_providers.*",
];

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    read::one(
        state,
        "region",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("Region with id: {id} not found"),
    )
    .await
}

/// List regions (`q`, `id`, `name`, `currency_code`, `limit`, `offset`, `order`).
#[utoipa::path(get, path = "/regions", tag = "Admin", responses((status = 200, description = "{regions, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let filters = q.filters(&[
        "id",
        "name",
        "currency_code",
        "q",
        "created_at",
        "updated_at",
    ]);
    let opts = q.find_options(50, None);
    let (rows, count) = read::list(
        &state,
        "region",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "regions",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRegion {
    name: String,
    currency_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    countries: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    automatic_taxes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_tax_inclusive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payment_providers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Create a region with its countries and payment providers.
#[utoipa::path(post, path = "/regions", tag = "Admin", responses((status = 200, description = "{region}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<CreateRegion>,
) -> Result<Json<Value>, ApiError> {
    if body.name.trim().is_empty() || body.currency_code.trim().is_empty() {
        return Err(ApiError::invalid_data(
            "Invalid request: Fields 'name' and 'currency_code' must not be empty",
        ));
    }
    let input = serde_json::to_value(&body).unwrap_or_default();
    let created = run(&state, flows::CREATE, input).await?;
    let id = created["id"].as_str().unwrap_or_default();
    Ok(envelope::one(
        "region",
        fetch(&state, id, raw.as_deref()).await?,
    ))
}

/// Retrieve a region.
#[utoipa::path(get, path = "/regions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{region}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "region",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRegion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    countries: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    automatic_taxes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_tax_inclusive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payment_providers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Update a region; `countries` and `payment_providers` replace the current ones.
#[utoipa::path(post, path = "/regions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{region}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<UpdateRegion>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    run(&state, flows::UPDATE, input).await?;
    Ok(envelope::one(
        "region",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a region (its countries become free).
#[utoipa::path(delete, path = "/regions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    run(&state, flows::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "region", None))
}
