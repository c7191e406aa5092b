//! `POST /auth/{actor}/emailpass`, `…/register` and `/auth/token/refresh`.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::auth_token::{self, MaybeAuth};
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::app::AppState;
use crate::db::Exec;
use crate::modules::auth::{self, AuthError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    email: String,
    password: String,
}

fn actor(actor_type: &str) -> Result<&str, ApiError> {
    match actor_type {
        "customer" | "user" => Ok(actor_type),
        other => Err(ApiError::not_allowed(format!(
            "The actor type {other} is not allowed"
        ))),
    }
}

/// Log in with email and password.
#[utoipa::path(post, path = "/{actor_type}/emailpass", tag = "Auth", params(("actor_type" = String, Path)), responses((status = 200, description = "{token}"), (status = 401, body = crate::api::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Path(actor_type): Path<String>,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Json<Value>, ApiError> {
    let actor_type = actor(&actor_type)?;
    let email = body.email.trim().to_lowercase();
    let identity = auth::find_emailpass(&mut Exec::Db(state.db()), &email).await?;
    let invalid = || ApiError::unauthorized("Invalid email or password");
    let identity = identity.ok_or_else(invalid)?;
    let hash = identity.password_hash.clone();
    let password = body.password;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    if !ok {
        return Err(invalid());
    }
    let mut actor_id = identity.app_metadata[format!("{actor_type}_id")]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // A deleted user keeps its identity but is no longer an actor.
    if actor_type == "user"
        && !actor_id.is_empty()
        && crate::modules::user::find_user(&mut Exec::Db(state.db()), &actor_id)
            .await?
            .is_none()
    {
        actor_id.clear();
    }
    let token = auth_token::issue(
        &state.config().http.jwt_secret,
        actor_type,
        &actor_id,
        &identity.auth_identity_id,
        identity.app_metadata,
    )?;
    Ok(Json(json!({ "token": token })))
}

/// Register an email and password (not yet an actor).
#[utoipa::path(post, path = "/{actor_type}/emailpass/register", tag = "Auth", params(("actor_type" = String, Path)), responses((status = 200, description = "{token}"), (status = 401, body = crate::api::error::ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    Path(actor_type): Path<String>,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Json<Value>, ApiError> {
    let actor_type = actor(&actor_type)?;
    let email = crate::modules::user::normalize_email(&body.email)
        .map_err(|e| ApiError::invalid_data(e.to_string()))?;
    let mut tx = state.db().begin().await?;
    let created = auth::register_emailpass(&mut Exec::Tx(&mut tx), &email, &body.password).await;
    let identity = match created {
        Ok(id) => id,
        Err(AuthError::IdentityExists) => {
            return Err(ApiError::unauthorized("Identity with email already exists"));
        }
        Err(AuthError::EmptyPassword) => {
            return Err(ApiError::invalid_data(
                "Invalid request: Field 'password' must not be empty",
            ));
        }
        Err(AuthError::Db(e)) => return Err(e.into()),
        Err(e) => {
            tracing::error!(error = %e, "registration failed");
            return Err(ApiError::unknown());
        }
    };
    tx.commit().await?;
    let token = auth_token::issue(
        &state.config().http.jwt_secret,
        actor_type,
        "",
        &identity,
        json!({}),
    )?;
    Ok(Json(json!({ "token": token })))
}

/// A fresh token (with the actor id, once there is one).
#[utoipa::path(post, path = "/token/refresh", tag = "Auth", responses((status = 200, description = "{token}"), (status = 401)))]
pub async fn refresh(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let Some(claims) = auth else {
        return Ok(auth_token::unauthorized());
    };
    let metadata = auth::app_metadata(&mut Exec::Db(state.db()), &claims.auth_identity_id).await?;
    let actor_id = metadata[format!("{}_id", claims.actor_type)]
        .as_str()
        .unwrap_or(&claims.actor_id)
        .to_owned();
    let token = auth_token::issue(
        &state.config().http.jwt_secret,
        &claims.actor_type,
        &actor_id,
        &claims.auth_identity_id,
        metadata,
    )?;
    Ok(Json(json!({ "token": token })).into_response())
}
