//! `/admin/invites` (§3.7): invite people to the back office by email; they
//! register an email + password identity (`POST /auth/user/emailpass/register`)
//! and accept with its token (`POST /admin/invites/accept?token=…`).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::run::run;
use crate::api::auth_token::MaybeAuth;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::app::AppState;
use crate::db::Exec;
use crate::flows::invites as flows;
use crate::modules::user;

async fn fetch(state: &AppState, id: &str) -> Result<Value, ApiError> {
    user::find_invite(&mut Exec::Db(state.db()), "id", id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Invite with id: {id} was not found")))
}

/// List pending invites.
#[utoipa::path(get, path = "/invites", tag = "Admin", responses((status = 200, description = "{invites, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let limit = opts.limit.unwrap_or(50);
    let (invites, count) =
        user::list_invites(&mut Exec::Db(state.db()), opts.offset, limit).await?;
    Ok(envelope::list(
        "invites",
        invites,
        count,
        opts.offset,
        limit,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInvite {
    email: String,
    #[serde(default)]
    metadata: Option<Value>,
}

/// Invite someone (the answer carries the token to send them).
#[utoipa::path(post, path = "/invites", tag = "Admin", responses((status = 200, description = "{invite}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateInvite>,
) -> Result<Json<Value>, ApiError> {
    let created = run(
        &state,
        flows::CREATE,
        json!({ "email": body.email, "metadata": body.metadata }),
    )
    .await?;
    Ok(envelope::one("invite", created))
}

/// Retrieve an invite.
#[utoipa::path(get, path = "/invites/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{invite}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one("invite", fetch(&state, &id).await?))
}

/// Delete an invite.
#[utoipa::path(delete, path = "/invites/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    run(&state, flows::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "invite", None))
}

/// Renew an invite's token and expiry.
#[utoipa::path(post, path = "/invites/{id}/resend", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{invite}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn resend(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    run(&state, flows::RESEND, json!({ "id": id })).await?;
    Ok(envelope::one("invite", fetch(&state, &id).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvite {
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
}

/// Accept an invite with a registration token: the identity becomes a user.
#[utoipa::path(post, path = "/invites/accept", tag = "Admin", params(("token" = String, Query)), responses((status = 200, description = "{user}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    MaybeAuth(claims): MaybeAuth,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<AcceptInvite>,
) -> Result<Json<Value>, ApiError> {
    let Some(claims) = claims.filter(|c| c.actor_type == "user" && c.actor_id.is_empty()) else {
        return Err(ApiError::invalid_data(
            "Accepting an invite needs a registration token from /auth/user/emailpass/register",
        ));
    };
    let q = ListQuery::parse(raw.as_deref())?;
    let token = q
        .param("token")
        .ok_or_else(|| ApiError::invalid_data("Invalid request: 'token' is required"))?;
    let created = run(
        &state,
        flows::ACCEPT,
        json!({ "token": token, "auth_identity_id": claims.auth_identity_id,
                "first_name": body.first_name, "last_name": body.last_name }),
    )
    .await?;
    let id = created["id"].as_str().unwrap_or_default();
    let found = user::find_user(&mut Exec::Db(state.db()), id).await?;
    Ok(envelope::one("user", found.unwrap_or(Value::Null)))
}
