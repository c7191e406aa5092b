//! The session cookie (`connect.sid`, as Medusa's express-session names it):
//! a session id signed with `http.cookie_secret` (an HS256 JWT), so that only
//! this server's ids are looked up.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The cookie's name.
pub const NAME: &str = "connect.sid";

/// How long a session lasts (Medusa: 10 hours).
pub const TTL_SECS: i64 = 10 * 3600;

#[derive(Debug, Serialize, Deserialize)]
struct SessionClaims {
    sid: String,
    exp: i64,
}

/// The signed cookie value for session `sid` expiring at `exp` (unix seconds).
pub fn sign(secret: &str, sid: &str, exp: i64) -> Option<String> {
    let claims = SessionClaims {
        sid: sid.to_owned(),
        exp,
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .ok()
}

/// The session id in a signed cookie value, if the signature and expiry hold.
pub fn verify(secret: &str, value: &str) -> Option<String> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims = ["exp".to_owned()].into();
    jsonwebtoken::decode::<SessionClaims>(
        value,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .ok()
    .map(|d| d.claims.sid)
}

/// The raw value of the session cookie among the request's cookies.
pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .map(|(_, value)| value.trim().to_owned())
}

/// `Set-Cookie` for a new session (`secure` when the server says so).
pub fn set(value: &str, secure: bool) -> String {
    let attrs = if secure {
        "; Secure; SameSite=None"
    } else {
        "; SameSite=Lax"
    };
    format!("{NAME}={value}; Path=/; HttpOnly; Max-Age={TTL_SECS}{attrs}")
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear() -> String {
    format!("{NAME}=; Path=/; HttpOnly; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_ids_round_trip_and_forgeries_fail() {
        let exp = chrono::Utc::now().timestamp() + 60;
        let value = sign("s3cret", "sess_1", exp).unwrap_or_default();
        assert_eq!(verify("s3cret", &value).as_deref(), Some("sess_1"));
        assert_eq!(verify("other", &value), None);
        let expired = sign("s3cret", "sess_1", exp - 3600).unwrap_or_default();
        assert_eq!(verify("s3cret", &expired), None);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            format!("a=b; {NAME}={value}; c=d")
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(from_headers(&headers).as_deref(), Some(value.as_str()));
    }
}
