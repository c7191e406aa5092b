//! Who may use `/admin` (§1.3): a user's bearer token, a user's session
//! cookie, or a secret API key (`Authorization: Basic base64("sk_…:")`, or
//! the raw key after `Basic`). Anything else gets the auth middleware's
//! `401 {"message":"Unauthorized"}`. The actor goes into the request's
//! extensions as [`AdminActor`].

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use super::auth_token::{MaybeAuth, unauthorized};
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;
use crate::modules::api_key::secret_digest;

/// The authenticated back-office actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminActor {
    /// `user` or `api-key`.
    pub actor_type: String,
    pub actor_id: String,
}

impl AdminActor {
    pub fn is_user(&self) -> bool {
        self.actor_type == "user"
    }
}

/// The secret key in a `Basic` authorization header.
fn basic_key(header: &str) -> Option<String> {
    let credentials = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?
        .trim();
    if credentials.starts_with("sk_") {
        return Some(credentials.trim_end_matches(':').to_owned());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credentials)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let key = text.split(':').next()?.to_owned();
    key.starts_with("sk_").then_some(key)
}

/// The id of the live (unrevoked) secret key `key`.
async fn secret_key_id(state: &AppState, key: &str) -> Option<String> {
    let request = GraphRequest {
        entity: "api_key".into(),
        fields: FieldTree::from_paths(["id", "revoked_at"]),
        filters: json!({ "token": secret_digest(key), "type": "secret" }),
        ..Default::default()
    };
    let found = state
        .runtime()
        .query
        .graph(&mut Exec::Db(state.db()), &request)
        .await
        .ok()?
        .data;
    let row = found.into_iter().next()?;
    let now = crate::db::codec::format_timestamp(chrono::Utc::now());
    let revoked = row
        .get("revoked_at")
        .and_then(|v| v.as_str())
        .is_some_and(|at| at <= now.as_str());
    if revoked {
        return None;
    }
    row.get("id")?.as_str().map(str::to_owned)
}

/// Whether the request accepts an invite: a registered identity that is
/// not yet a user may make it.
fn accepts_invite(parts: &axum::http::request::Parts) -> bool {
    parts.method == axum::http::Method::POST && parts.uri.path().ends_with("/invites/accept")
}

/// Middleware: admits authenticated back-office actors only.
pub async fn require(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let actor = match header.as_deref().and_then(basic_key) {
        Some(key) => secret_key_id(&state, &key).await.map(|id| AdminActor {
            actor_type: "api-key".into(),
            actor_id: id,
        }),
        None => match MaybeAuth::from_request_parts(&mut parts, &state).await {
            Ok(MaybeAuth(Some(claims)))
                if claims.actor_type == "user"
                    && (!claims.actor_id.is_empty() || accepts_invite(&parts)) =>
            {
                Some(AdminActor {
                    actor_type: claims.actor_type,
                    actor_id: claims.actor_id,
                })
            }
            Ok(_) => None,
            Err(e) => return e.into_response(),
        },
    };
    let Some(actor) = actor else {
        return unauthorized();
    };
    // A user deleted since the token was issued is let in no more.
    if actor.actor_type == "user" && !actor.actor_id.is_empty() {
        match crate::modules::user::find_user(&mut Exec::Db(state.db()), &actor.actor_id).await {
            Ok(Some(_)) => {}
            Ok(None) => return unauthorized(),
            Err(e) => return super::error::ApiError::from(e).into_response(),
        }
    }
    parts.extensions.insert(actor);
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_headers_carry_secret_keys() {
        let encoded = base64::engine::general_purpose::STANDARD.encode("sk_abc:");
        assert_eq!(
            basic_key(&format!("Basic {encoded}")).as_deref(),
            Some("sk_abc")
        );
        assert_eq!(basic_key("Basic sk_abc").as_deref(), Some("sk_abc"));
        let not_a_key = base64::engine::general_purpose::STANDARD.encode("user:pass");
        assert_eq!(basic_key(&format!("Basic {not_a_key}")), None);
        assert_eq!(basic_key("Bearer sk_abc"), None);
        assert!(secret_digest("sk_abc").starts_with("sha256:"));
        assert_ne!(secret_digest("sk_abc"), secret_digest("sk_abd"));
    }
}
