//! `/admin/users`: the logged-in user and the back-office users.

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde_json::Value;

use crate::api::admin_auth::AdminActor;
use crate::api::auth_token::unauthorized;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::list_query::ListQuery;
use crate::app::AppState;
use crate::db::Exec;
use crate::modules::user;

/// The logged-in user (bearer or session; not a secret key).
#[utoipa::path(get, path = "/users/me", tag = "Admin", responses((status = 200, description = "{user}"), (status = 401)))]
pub async fn me(
    State(state): State<AppState>,
    Extension(actor): Extension<AdminActor>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    if !actor.is_user() {
        return Ok(unauthorized());
    }
    let found = user::find_user(&mut Exec::Db(state.db()), &actor.actor_id).await?;
    match found {
        Some(user) => Ok(envelope::one("user", user).into_response()),
        None => Ok(unauthorized()),
    }
}

/// List users (`q`, `limit`, `offset`).
#[utoipa::path(get, path = "/users", tag = "Admin", responses((status = 200, description = "{users, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let (limit, offset) = (opts.limit.unwrap_or(50), opts.offset);
    let (users, count) = user::list_users(
        &mut Exec::Db(state.db()),
        q.param("q").as_deref(),
        offset,
        limit,
    )
    .await?;
    Ok(envelope::list("users", users, count, offset, limit))
}

/// Retrieve a user.
#[utoipa::path(get, path = "/users/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{user}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let found = user::find_user(&mut Exec::Db(state.db()), &id).await?;
    let user =
        found.ok_or_else(|| ApiError::not_found(format!("User with id: {id} was not found")))?;
    Ok(envelope::one("user", user))
}

#[derive(Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Update a user's name, avatar or metadata.
#[utoipa::path(post, path = "/users/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{user}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    crate::api::json::ApiJson(body): crate::api::json::ApiJson<UpdateUser>,
) -> Result<Json<Value>, ApiError> {
    let _exists = get(State(state.clone()), Path(id.clone())).await?;
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["id"] = Value::String(id.clone());
    super::run::run(&state, crate::flows::invites::UPDATE_USER, input).await?;
    get(State(state), Path(id)).await
}

/// Delete a user (not yourself).
#[utoipa::path(delete, path = "/users/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Extension(actor): Extension<AdminActor>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if actor.actor_id == id {
        return Err(ApiError::not_allowed("You cannot delete your own user"));
    }
    let _exists = get(State(state.clone()), Path(id.clone())).await?;
    super::run::run(
        &state,
        crate::flows::invites::DELETE_USER,
        serde_json::json!({ "id": id }),
    )
    .await?;
    Ok(envelope::deleted(&id, "user", None))
}
