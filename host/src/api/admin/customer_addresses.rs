//! A customer's addresses in the Admin API (§3.7):
//! `/admin/customers/{id}/addresses` (list, create, retrieve, update,
//! delete). Create and update answer the customer.

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
use crate::flows::customer_addresses as flows;

const CUSTOMER_FIELDS: &[&str] = &[
    "id",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "metadata",
    "has_account",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
    "addresses.*",
];

/// Only address fields, strings (booleans for the default flags).
fn check(body: &Map<String, Value>) -> Result<(), ApiError> {
    for (key, value) in body {
        if !flows::ADDRESS_FIELDS.contains(&key.as_str()) {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Unrecognized fields: '{key}'"
            )));
        }
        let ok = match key.as_str() {
            "is_default_shipping" | "is_default_billing" => value.is_boolean(),
            "metadata" => value.is_object() || value.is_null(),
            _ => value.is_string() || value.is_null(),
        };
        if !ok {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{key}' has the wrong type"
            )));
        }
    }
    Ok(())
}

async fn customer(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    read::one(
        state,
        "customer",
        q.field_tree(CUSTOMER_FIELDS),
        read::by_id(id),
        format!("Customer with id: {id} was not found"),
    )
    .await
}

async fn address(state: &AppState, customer: &str, id: &str) -> Result<Value, ApiError> {
    let mut filters = read::by_id(id);
    filters.insert("customer_id".into(), json!(customer));
    read::one(
        state,
        "customer_address",
        crate::framework::query::fields::FieldTree::from_paths(["*"]),
        filters,
        format!("Address with id: {id} was not found"),
    )
    .await
}

/// List a customer's addresses (`q`, `city`, `country_code`, `postal_code`).
#[utoipa::path(get, path = "/customers/{id}/addresses", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{addresses, count, offset, limit}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    customer(&state, &id, Some("fields=id")).await?;
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let mut filters = q.filters(&["id", "q", "city", "country_code", "postal_code"]);
    filters.insert("customer_id".into(), json!(id));
    let (rows, count) = read::list(
        &state,
        "customer_address",
        q.field_tree(&["*"]),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "addresses",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Add an address to a customer; answers the customer.
#[utoipa::path(post, path = "/customers/{id}/addresses", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{customer}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check(&body)?;
    customer(&state, &id, Some("fields=id")).await?;
    run(
        &state,
        flows::CREATE,
        json!({ "customer_id": id, "address": body }),
    )
    .await?;
    Ok(envelope::one(
        "customer",
        customer(&state, &id, raw.as_deref()).await?,
    ))
}

/// Retrieve one of a customer's addresses.
#[utoipa::path(get, path = "/customers/{id}/addresses/{address_id}", tag = "Admin", params(("id" = String, Path), ("address_id" = String, Path)), responses((status = 200, description = "{address}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path((id, address_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "address",
        address(&state, &id, &address_id).await?,
    ))
}

/// Change one of a customer's addresses; answers the customer.
#[utoipa::path(post, path = "/customers/{id}/addresses/{address_id}", tag = "Admin", params(("id" = String, Path), ("address_id" = String, Path)), responses((status = 200, description = "{customer}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path((id, address_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check(&body)?;
    address(&state, &id, &address_id).await?;
    run(
        &state,
        flows::UPDATE,
        json!({ "customer_id": id, "id": address_id, "address": body }),
    )
    .await?;
    Ok(envelope::one(
        "customer",
        customer(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete one of a customer's addresses; answers the customer as `parent`.
#[utoipa::path(delete, path = "/customers/{id}/addresses/{address_id}", tag = "Admin", params(("id" = String, Path), ("address_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path((id, address_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    address(&state, &id, &address_id).await?;
    run(
        &state,
        flows::DELETE,
        json!({ "customer_id": id, "id": address_id }),
    )
    .await?;
    Ok(envelope::deleted(
        &address_id,
        "customer_address",
        Some(("parent", customer(&state, &id, None).await?)),
    ))
}
