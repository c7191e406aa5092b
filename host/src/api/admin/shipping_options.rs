//! Shipping options in the Admin API (§3.4): list, create (type, rules,
//! prices per currency or region), retrieve, update (a list of prices or
//! rules given replaces the set), rule batches, delete.

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
use crate::flows::shipping_options;

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

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionTypeUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionPriceUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region_id: Option<String>,
    amount: f64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OptionRuleUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    operator: String,
    attribute: String,
    value: Value,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateOption {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shipping_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    price_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider_id: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    kind: Option<OptionTypeUpdate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prices: Option<Vec<OptionPriceUpdate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rules: Option<Vec<OptionRuleUpdate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Update a shipping option: fields, type, and its prices and rules (a list
/// given replaces the set: entries with an `id` update, others are added).
#[utoipa::path(post, path = "/shipping-options/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{shipping_option}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update_option(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<UpdateOption>,
) -> Result<Json<Value>, ApiError> {
    if body
        .price_type
        .as_deref()
        .is_some_and(|p| !["flat", "calculated"].contains(&p))
    {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'price_type' must be flat or calculated",
        ));
    }
    option(&state, &id, Some("fields=id")).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    run(&state, shipping_options::UPDATE, input).await?;
    Ok(envelope::one(
        "shipping_option",
        option(&state, &id, raw.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleBatch {
    #[serde(default)]
    create: Vec<OptionRule>,
    #[serde(default)]
    update: Vec<OptionRuleUpdate>,
    #[serde(default)]
    delete: Vec<String>,
}

/// Create, update and delete a shipping option's rules in one transaction.
#[utoipa::path(post, path = "/shipping-options/{id}/rules/batch", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{created, updated, deleted}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn batch_option_rules(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RuleBatch>,
) -> Result<Json<Value>, ApiError> {
    option(&state, &id, Some("fields=id")).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = json!(id);
    let out = run(&state, shipping_options::BATCH_RULES, input).await?;
    let rules = |key: &str| {
        let ids = out[key].clone();
        let state = state.clone();
        async move {
            if ids.as_array().is_none_or(Vec::is_empty) {
                return Ok::<_, ApiError>(Vec::new());
            }
            let (rows, _) = read::list(
                &state,
                "shipping_option_rule",
                crate::framework::query::fields::FieldTree::from_paths(["*"]),
                [("id".to_owned(), ids)].into_iter().collect(),
                Default::default(),
            )
            .await?;
            Ok(rows)
        }
    };
    Ok(Json(json!({
        "created": rules("created").await?,
        "updated": rules("updated").await?,
        "deleted": { "ids": out["deleted"], "object": "shipping_option_rule", "deleted": true },
    })))
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
