//! `POST /auth/session` (a bearer token opens a cookie session) and
//! `DELETE /auth/session` (closes it), as Medusa's admin dashboard uses them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::api::auth_token::{self, MaybeAuth};
use crate::api::error::ApiError;
use crate::api::session_cookie;
use crate::app::AppState;
use crate::modules::auth::session::{self, SessionActor};

fn with_cookie(body: serde_json::Value, cookie: &str) -> Response {
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Open a session for the bearer token's actor.
#[utoipa::path(post, path = "/session", tag = "Auth", responses((status = 200, description = "{user: auth context}; sets the connect.sid cookie"), (status = 401)))]
pub async fn open(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Response, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("bearer "));
    let Some(claims) = auth.filter(|_| bearer) else {
        return Ok(auth_token::unauthorized());
    };
    let expires_at = chrono::Utc::now().timestamp() + session_cookie::TTL_SECS;
    let actor = SessionActor {
        actor_type: claims.actor_type.clone(),
        actor_id: claims.actor_id.clone(),
        auth_identity_id: claims.auth_identity_id.clone(),
        app_metadata: claims.app_metadata.clone(),
        expires_at,
    };
    let sid = session::open(state.db(), &actor).await?;
    let value = session_cookie::sign(&state.config().http.cookie_secret, &sid, expires_at)
        .ok_or_else(ApiError::unknown)?;
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let body = json!({ "user": {
        "actor_id": claims.actor_id, "actor_type": claims.actor_type,
        "auth_identity_id": claims.auth_identity_id, "app_metadata": claims.app_metadata,
    }});
    Ok(with_cookie(body, &session_cookie::set(&value, secure)))
}

/// Close the request's session.
#[utoipa::path(delete, path = "/session", tag = "Auth", responses((status = 200, description = "{success: true}"), (status = 401)))]
pub async fn close(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let sid = session_cookie::from_headers(&headers)
        .and_then(|value| session_cookie::verify(&state.config().http.cookie_secret, &value));
    let Some(sid) = sid else {
        return Ok(auth_token::unauthorized());
    };
    if !session::close(state.db(), &sid).await? {
        return Ok(auth_token::unauthorized());
    }
    Ok(with_cookie(
        json!({ "success": true }),
        &session_cookie::clear(),
    ))
}
