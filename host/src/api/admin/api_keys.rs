//! `/admin/api-keys`: publishable keys for storefronts and secret keys for
//! automation (§3), every change through a workflow.

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::run::run;
use crate::api::admin_auth::AdminActor;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::api_keys as flows;

const FIELDS: &[&str] = &[
    "id",
    "token",
    "redacted",
    "title",
    "type",
    "last_used_at",
    "created_by",
    "created_at",
    "updated_at",
    "revoked_by",
    "revoked_at",
    "deleted_at",
];

/// A secret key's stored digest is never shown; its `redacted` form is.
fn shown(mut key: Value) -> Value {
    if key["type"] == "secret"
        && let Some(map) = key.as_object_mut()
    {
        map.insert("token".into(), Value::String(String::new()));
    }
    key
}

async fn fetch(state: &AppState, id: &str, raw: Option<&str>) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let key = read::one(
        state,
        "api_key",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("API Key with id: {id} was not found"),
    )
    .await?;
    Ok(shown(key))
}

/// List API keys (`q`, `type`, `id`, `limit`, `offset`, `order`).
#[utoipa::path(get, path = "/api-keys", tag = "Admin", responses((status = 200, description = "{api_keys, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let filters = q.filters(&["id", "title", "type", "q", "created_at", "revoked_at"]);
    let opts = q.find_options(20, None);
    let (rows, count) = read::list(
        &state,
        "api_key",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "api_keys",
        rows.into_iter().map(shown).collect(),
        count,
        opts.offset,
        opts.limit.unwrap_or(20),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    title: String,
    #[serde(rename = "type")]
    kind: String,
}

/// Create a publishable or secret key (a secret key's token is shown only here).
#[utoipa::path(post, path = "/api-keys", tag = "Admin", responses((status = 200, description = "{api_key}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<AdminActor>,
    ApiJson(body): ApiJson<CreateKey>,
) -> Result<Json<Value>, ApiError> {
    if body.title.trim().is_empty() {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'title' must not be empty",
        ));
    }
    let key = run(
        &state,
        flows::CREATE,
        json!({ "title": body.title, "type": body.kind, "created_by": actor.actor_id }),
    )
    .await?;
    Ok(envelope::one("api_key", key))
}

/// Retrieve an API key.
#[utoipa::path(get, path = "/api-keys/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{api_key}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "api_key",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateKey {
    title: String,
}

/// Rename an API key.
#[utoipa::path(post, path = "/api-keys/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{api_key}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<UpdateKey>,
) -> Result<Json<Value>, ApiError> {
    run(
        &state,
        flows::UPDATE,
        json!({ "id": id, "title": body.title }),
    )
    .await?;
    Ok(envelope::one(
        "api_key",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeKey {
    revoke_in: Option<i64>,
}

/// Revoke an API key, now or in `revoke_in` seconds.
#[utoipa::path(post, path = "/api-keys/{id}/revoke", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{api_key}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Extension(actor): Extension<AdminActor>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    request: axum::extract::Request,
) -> Result<Json<Value>, ApiError> {
    // The body is optional (the SDK sends none).
    let body = axum::body::to_bytes(request.into_body(), 64 * 1024)
        .await
        .map_err(|_| ApiError::invalid_data("Invalid request: unreadable body"))?;
    let body: RevokeKey = if body.iter().all(u8::is_ascii_whitespace) {
        RevokeKey::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::invalid_data(format!("Invalid request: {e}")))?
    };
    let revoke_in = body.revoke_in;
    run(
        &state,
        flows::REVOKE,
        json!({ "id": id, "revoke_in": revoke_in, "revoked_by": actor.actor_id }),
    )
    .await?;
    Ok(envelope::one(
        "api_key",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a revoked API key.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    run(&state, flows::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "api_key", None))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalesChannels {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
}

/// Add or remove the sales channels of a publishable key.
#[utoipa::path(post, path = "/api-keys/{id}/sales-channels", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{api_key}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn sales_channels(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<SalesChannels>,
) -> Result<Json<Value>, ApiError> {
    run(
        &state,
        flows::LINK_SALES_CHANNELS,
        json!({ "id": id, "add": body.add, "remove": body.remove }),
    )
    .await?;
    Ok(envelope::one(
        "api_key",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}
