//! `/admin/promotions` (§3.7): standard promotions with their application
//! method, rules and campaign, and the rule batches.

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
    "promotion_rules.*",
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
    shape(&mut promotion);
    Ok(promotion)
}

/// A stored rule as Medusa shows it: `values` as `[{value}]`.
fn shape_rule(rule: &Value) -> Value {
    let values: Vec<Value> = rule["values"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| json!({ "value": v }))
        .collect();
    json!({
        "id": rule["id"], "attribute": rule["attribute"], "operator": rule["operator"],
        "description": rule["description"], "values": values,
    })
}

/// Splits the stored rules into `rules` and the application method's
/// `target_rules` and `buy_rules`.
fn shape(promotion: &mut Value) {
    let Some(map) = promotion.as_object_mut() else {
        return;
    };
    let stored = map.remove("promotion_rules").unwrap_or(json!([]));
    let of = |kind: &str| -> Value {
        stored
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["rule_type"] == kind)
            .map(shape_rule)
            .collect()
    };
    map.insert("rules".into(), of("rules"));
    if let Some(Value::Object(method)) = map.get_mut("application_method") {
        method.insert("target_rules".into(), of("target_rules"));
        method.insert("buy_rules".into(), of("buy_rules"));
    }
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
    let (mut rows, count) = read::list(
        &state,
        "promotion",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    rows.iter_mut().for_each(shape);
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

/// The rules of one type of a promotion as the batch answers them.
async fn rules_by_id(state: &AppState, ids: &Value) -> Result<Vec<Value>, ApiError> {
    if ids.as_array().is_none_or(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let (rows, _) = read::list(
        state,
        "promotion_rule",
        crate::framework::query::fields::FieldTree::from_paths(["*"]),
        [("id".to_owned(), ids.clone())].into_iter().collect(),
        Default::default(),
    )
    .await?;
    Ok(rows.iter().map(shape_rule).collect())
}

async fn batch(
    state: &AppState,
    id: &str,
    rule_type: &str,
    body: Map<String, Value>,
) -> Result<Json<Value>, ApiError> {
    strict(&body, &["create", "update", "delete"])?;
    for key in ["create", "update", "delete"] {
        if body.get(key).is_some_and(|v| !v.is_array()) {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{key}' must be an array"
            )));
        }
    }
    fetch(state, id, Some("fields=id")).await?;
    let mut input = Value::Object(body);
    input["promotion_id"] = json!(id);
    input["rule_type"] = json!(rule_type);
    let out = run(state, flows::BATCH_RULES, input).await?;
    Ok(Json(json!({
        "created": rules_by_id(state, &out["created"]).await?,
        "updated": rules_by_id(state, &out["updated"]).await?,
        "deleted": { "ids": out["deleted"], "object": "promotion-rule", "deleted": true },
    })))
}

/// Add, change or remove a promotion's cart conditions (`rules`).
#[utoipa::path(post, path = "/promotions/{id}/rules/batch", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{created, updated, deleted}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn batch_rules(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    batch(&state, &id, "rules", body).await
}

/// Add, change or remove the conditions on the lines a promotion discounts.
#[utoipa::path(post, path = "/promotions/{id}/target-rules/batch", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{created, updated, deleted}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn batch_target_rules(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    batch(&state, &id, "target_rules", body).await
}

/// Buy rules (buy-get promotions): refused until those are supported.
#[utoipa::path(post, path = "/promotions/{id}/buy-rules/batch", tag = "Admin", params(("id" = String, Path)), responses((status = 400, body = crate::api::error::ErrorBody)))]
pub async fn batch_buy_rules(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    batch(&state, &id, "buy_rules", body).await
}
