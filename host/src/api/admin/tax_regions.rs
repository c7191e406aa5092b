//! `/admin/tax-regions`: where taxes apply, with their default rate (rates
//! themselves are under `/admin/tax-rates`).

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
use crate::flows::tax_regions as flows;

const FIELDS: &[&str] = &[
    "id",
    "country_code",
    "province_code",
    "parent_id",
    "provider_id",
    "metadata",
    "created_at",
    "updated_at",
    "tax_rates.*",
];

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    read::one(
        state,
        "tax_region",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("TaxRegion with id: {id} was not found"),
    )
    .await
}

/// List tax regions (`id`, `country_code`, `province_code`, `parent_id`).
#[utoipa::path(get, path = "/tax-regions", tag = "Admin", responses((status = 200, description = "{tax_regions, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(20, None);
    let filters = q.filters(&["id", "country_code", "province_code", "parent_id"]);
    let (rows, count) = read::list(
        &state,
        "tax_region",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "tax_regions",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(20),
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultRate {
    rate: f64,
    code: String,
    name: String,
    #[serde(default)]
    is_combinable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTaxRegion {
    country_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    province_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_tax_rate: Option<DefaultRate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Create a tax region with an optional default rate.
#[utoipa::path(post, path = "/tax-regions", tag = "Admin", responses((status = 200, description = "{tax_region}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<CreateTaxRegion>,
) -> Result<Json<Value>, ApiError> {
    if body
        .default_tax_rate
        .as_ref()
        .is_some_and(|r| !(0.0..=100.0).contains(&r.rate))
    {
        return Err(ApiError::invalid_data(
            "Invalid request: a tax rate is a percentage between 0 and 100",
        ));
    }
    let input = serde_json::to_value(&body).unwrap_or_default();
    let created = run(&state, flows::CREATE, input).await?;
    Ok(envelope::one(
        "tax_region",
        fetch(
            &state,
            created["id"].as_str().unwrap_or_default(),
            raw.as_deref(),
        )
        .await?,
    ))
}

/// Retrieve a tax region with its rates.
#[utoipa::path(get, path = "/tax-regions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{tax_region}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "tax_region",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a tax region and its rates.
#[utoipa::path(delete, path = "/tax-regions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    run(&state, flows::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "tax_region", None))
}
