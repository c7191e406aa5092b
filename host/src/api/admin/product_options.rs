//! A product's options (§3.2): `/admin/products/{id}/options` (list,
//! create, retrieve, update, delete). Mutations answer the product.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Map, Value, json};

use super::products::fetch as fetch_product;
use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::product_options as flows;

const FIELDS: &[&str] = &[
    "id",
    "title",
    "product_id",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
    "values.*",
];

/// Refuses fields other than `title` and `values` (an array of strings).
fn check_body(body: &Map<String, Value>, creating: bool) -> Result<(), ApiError> {
    if let Some(key) = body
        .keys()
        .find(|k| !["title", "values"].contains(&k.as_str()))
    {
        return Err(ApiError::invalid_data(format!(
            "Invalid request: Unrecognized fields: '{key}'"
        )));
    }
    if creating
        && body
            .get("title")
            .and_then(Value::as_str)
            .is_none_or(|t| t.trim().is_empty())
    {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'title' is required",
        ));
    }
    if body.get("title").is_some_and(|t| !t.is_string()) {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'title' must be a string",
        ));
    }
    let values_ok = match body.get("values") {
        None => !creating,
        Some(Value::Array(values)) => values.iter().all(Value::is_string),
        Some(_) => false,
    };
    if !values_ok {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'values' must be an array of strings",
        ));
    }
    Ok(())
}

async fn fetch_option(
    state: &AppState,
    product: &str,
    id: &str,
    raw: Option<&str>,
) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let mut filters = read::by_id(id);
    filters.insert("product_id".into(), json!(product));
    read::one(
        state,
        "product_option",
        q.field_tree(FIELDS),
        filters,
        format!("Product option with id: {id} was not found"),
    )
    .await
}

/// List a product's options with their values.
#[utoipa::path(get, path = "/products/{id}/options", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{product_options, count, offset, limit}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    fetch_product(&state, &id, Some("fields=id")).await?;
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, Some("created_at"));
    let mut filters = q.filters(&["id", "q", "title"]);
    filters.insert("product_id".into(), json!(id));
    let (rows, count) = read::list(
        &state,
        "product_option",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "product_options",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Add an option with its values to a product; answers the product.
#[utoipa::path(post, path = "/products/{id}/options", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{product}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check_body(&body, true)?;
    fetch_product(&state, &id, Some("fields=id")).await?;
    let mut input = Value::Object(body);
    input["product_id"] = json!(id);
    run(&state, flows::CREATE, input).await?;
    Ok(envelope::one(
        "product",
        fetch_product(&state, &id, raw.as_deref()).await?,
    ))
}

/// Retrieve one of a product's options.
#[utoipa::path(get, path = "/products/{id}/options/{option_id}", tag = "Admin", params(("id" = String, Path), ("option_id" = String, Path)), responses((status = 200, description = "{product_option}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path((id, option)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "product_option",
        fetch_option(&state, &id, &option, raw.as_deref()).await?,
    ))
}

/// Rename an option or replace its values; answers the product.
#[utoipa::path(post, path = "/products/{id}/options/{option_id}", tag = "Admin", params(("id" = String, Path), ("option_id" = String, Path)), responses((status = 200, description = "{product}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path((id, option)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check_body(&body, false)?;
    fetch_option(&state, &id, &option, Some("fields=id")).await?;
    let mut input = Value::Object(body);
    input["product_id"] = json!(id);
    input["id"] = json!(option);
    run(&state, flows::UPDATE, input).await?;
    Ok(envelope::one(
        "product",
        fetch_product(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete an option with its values; answers the product as `parent`.
#[utoipa::path(delete, path = "/products/{id}/options/{option_id}", tag = "Admin", params(("id" = String, Path), ("option_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path((id, option)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    fetch_option(&state, &id, &option, Some("fields=id")).await?;
    run(
        &state,
        flows::DELETE,
        json!({ "product_id": id, "id": option }),
    )
    .await?;
    let product = fetch_product(&state, &id, None).await?;
    Ok(envelope::deleted(
        &option,
        "product_option",
        Some(("parent", product)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn an_option_body_has_a_title_and_string_values() {
        assert!(check_body(&body(json!({ "title": "Size", "values": ["S"] })), true).is_ok());
        assert!(check_body(&body(json!({ "values": ["S"] })), true).is_err());
        assert!(check_body(&body(json!({ "title": "Size", "values": [1] })), true).is_err());
        assert!(check_body(&body(json!({ "title": "Size", "rank": 1 })), false).is_err());
        assert!(check_body(&body(json!({ "values": ["S", "M"] })), false).is_ok());
    }
}
