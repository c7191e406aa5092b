//! `/admin/promotions` (§3.7): standard promotions with their application
//! method and campaign.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Map, Value, json};

use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::promotions as flows;

const FIELDS: &[&str] = &[
    "id",
    "code",
    "is_automatic",
    "type",
    "status",
    "campaign_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "application_method.*",
    "campaign.*",
    "campaign.budget.*",
];

const CREATE_FIELDS: &[&str] = &[
    "code",
    "is_automatic",
    "type",
    "status",
    "campaign_id",
    "campaign",
    "application_method",
    "rules",
    "additional_data",
];

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let mut promotion = read::one(
        state,
        "promotion",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("Promotion with id: {id} was not found"),
    )
    .await?;
    if let Some(map) = promotion.as_object_mut() {
        map.entry("rules").or_insert(json!([]));
    }
    Ok(promotion)
}

fn strict(body: &Map<String, Value>, allowed: &[&str]) -> Result<(), ApiError> {
    let unknown: Vec<String> = body
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| format!("'{k}'"))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_data(format!(
            "Invalid request: Unrecognized fields: {}",
            unknown.join(", ")
        )))
    }
}

/// List promotions (`q`, `id`, `code`, `campaign_id`).
#[utoipa::path(get, path = "/promotions", tag = "Admin", responses((status = 200, description = "{promotions, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let filters = q.filters(&["id", "q", "code", "campaign_id", "created_at", "updated_at"]);
    let (rows, count) = read::list(
        &state,
        "promotion",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "promotions",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Create a promotion.
#[utoipa::path(post, path = "/promotions", tag = "Admin", responses((status = 200, description = "{promotion}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    strict(&body, CREATE_FIELDS)?;
    if body
        .get("code")
        .and_then(Value::as_str)
        .is_none_or(|c| c.trim().is_empty())
    {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'code' is required",
        ));
    }
    if !body.get("application_method").is_some_and(Value::is_object) {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'application_method' is required",
        ));
    }
    let created = run(&state, flows::CREATE, Value::Object(body)).await?;
    Ok(envelope::one(
        "promotion",
        fetch(
            &state,
            created["id"].as_str().unwrap_or_default(),
            raw.as_deref(),
        )
        .await?,
    ))
}

/// Retrieve a promotion.
#[utoipa::path(get, path = "/promotions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{promotion}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "promotion",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Update a promotion (code, automatic, status, campaign, application method).
#[utoipa::path(post, path = "/promotions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{promotion}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    strict(&body, CREATE_FIELDS)?;
    fetch(&state, &id, Some("fields=id")).await?;
    body.insert("id".into(), json!(id));
    run(&state, flows::UPDATE, Value::Object(body)).await?;
    Ok(envelope::one(
        "promotion",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a promotion.
#[utoipa::path(delete, path = "/promotions/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    run(&state, flows::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "promotion", None))
}
