//! `/admin/stores` (§3.5): the store's name, default channel, region and
//! location, and supported currencies, changed through `update-stores`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::stores as flows;

const FIELDS: &[&str] = &[
    "id",
    "name",
    "default_sales_channel_id",
    "default_region_id",
    "default_location_id",
    "metadata",
    "created_at",
    "updated_at",
    "supported_currencies.*",
];

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    read::one(
        state,
        "store",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("Store with id: {id} was not found"),
    )
    .await
}

/// List stores (there is one).
#[utoipa::path(get, path = "/stores", tag = "Admin", responses((status = 200, description = "{stores, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let (rows, count) = read::list(
        &state,
        "store",
        q.field_tree(FIELDS),
        q.filters(&["id", "name", "q"]),
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "stores",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Retrieve the store.
#[utoipa::path(get, path = "/stores/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{store}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "store",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SupportedCurrency {
    currency_code: String,
    #[serde(default)]
    is_default: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_tax_inclusive: Option<bool>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateStore {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supported_currencies: Option<Vec<SupportedCurrency>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_sales_channel_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_region_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_location_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Update the store; `supported_currencies` replaces the list.
#[utoipa::path(post, path = "/stores/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{store}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<UpdateStore>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    super::run::run(&state, flows::UPDATE, input).await?;
    Ok(envelope::one(
        "store",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}
