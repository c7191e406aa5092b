//! JWTs as Medusa issues them (HS256 with `http.jwt_secret`) and the actor a
//! request carries.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::ApiError;
use crate::app::AppState;

/// How long a token lives (Medusa's default `jwtExpiresIn`: 1 day).
pub const TOKEN_TTL_SECS: i64 = 24 * 3600;

/// The claims of a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The customer or user id; empty until the identity is registered as an actor.
    pub actor_id: String,
    pub actor_type: String,
    pub auth_identity_id: String,
    #[serde(default)]
    pub app_metadata: Value,
    pub iat: i64,
    pub exp: i64,
}

/// Signs a token.
pub fn issue(
    secret: &str,
    actor_type: &str,
    actor_id: &str,
    auth_identity_id: &str,
    app_metadata: Value,
) -> Result<String, ApiError> {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        actor_id: actor_id.to_owned(),
        actor_type: actor_type.to_owned(),
        auth_identity_id: auth_identity_id.to_owned(),
        app_metadata,
        iat: now,
        exp: now + TOKEN_TTL_SECS,
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| {
        tracing::error!(error = %e, "cannot sign token");
        ApiError::unknown()
    })
}

/// Verifies a token (signature and expiry).
pub fn verify(secret: &str, token: &str) -> Option<Claims> {
    let validation = Validation::new(Algorithm::HS256);
    jsonwebtoken::decode::<Claims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .ok()
    .map(|d| d.claims)
}

/// The actor of the request's valid bearer token, or else of its session cookie.
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Claims>);

impl<S> FromRequestParts<S> for MaybeAuth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            });
        if let Some(token) = token {
            return Ok(Self(verify(&state.config().http.jwt_secret, token.trim())));
        }
        // No bearer token: a session cookie stands for the actor it was opened for.
        let Some(sid) = super::session_cookie::from_headers(&parts.headers).and_then(|value| {
            super::session_cookie::verify(&state.config().http.cookie_secret, &value)
        }) else {
            return Ok(Self(None));
        };
        let session = crate::modules::auth::session::find(state.db(), &sid).await?;
        Ok(Self(session.map(|s| Claims {
            actor_id: s.actor_id,
            actor_type: s.actor_type,
            auth_identity_id: s.auth_identity_id,
            app_metadata: s.app_metadata,
            iat: 0,
            exp: s.expires_at,
        })))
    }
}

/// A logged-in customer (registered: the token names a customer).
#[derive(Debug, Clone)]
pub struct Customer(pub Claims);

/// The auth middleware's own 401 body, `{"message":"Unauthorized"}` (§1.3).
pub fn unauthorized() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::UNAUTHORIZED,
        axum::Json(serde_json::json!({ "message": "Unauthorized" })),
    )
        .into_response()
}

impl<S> FromRequestParts<S> for Customer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let MaybeAuth(claims) = MaybeAuth::from_request_parts(parts, state)
            .await
            .map_err(axum::response::IntoResponse::into_response)?;
        match claims {
            Some(c) if c.actor_type == "customer" && !c.actor_id.is_empty() => Ok(Self(c)),
            _ => Err(unauthorized()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_other_secrets() {
        let token = issue(
            "s3cret",
            "customer",
            "cus_1",
            "authid_1",
            serde_json::json!({"customer_id": "cus_1"}),
        )
        .unwrap();
        let claims = verify("s3cret", &token).unwrap();
        assert_eq!(
            (claims.actor_type.as_str(), claims.actor_id.as_str()),
            ("customer", "cus_1")
        );
        assert!(claims.exp > claims.iat);
        assert!(verify("other", &token).is_none());
        assert!(verify("s3cret", "not.a.token").is_none());
    }
}
