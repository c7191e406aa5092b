//! Request ids: kept from an incoming `x-request-id`, otherwise a new ULID,
//! echoed on the response and recorded in the request's tracing span so that
//! every log line of the request carries it.

use axum::http::{HeaderValue, Request};
use tower_http::request_id::{MakeRequestId, RequestId};

/// Makes `req_<ULID>` ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeUlidRequestId;

impl MakeRequestId for MakeUlidRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = crate::framework::id::generate_id("req");
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The span every request runs in.
pub fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}
