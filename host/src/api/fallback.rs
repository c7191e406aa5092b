//! Answers for requests no route takes, in Medusa's error shape.

use axum::extract::OriginalUri;
use axum::http::{Method, StatusCode};

use super::error::ApiError;

/// `404 not_found` for an unknown path.
pub async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("Route {method} {} does not exist", uri.path()))
}

/// `405` for a known path with the wrong method.
pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_allowed(format!("Method {method} is not allowed on {}", uri.path()))
        .with_status(StatusCode::METHOD_NOT_ALLOWED)
}

/// A handler that panicked: an opaque 500 (the panic itself is logged).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("non-string panic");
    tracing::error!(panic = %detail, "handler panicked");
    axum::response::IntoResponse::into_response(ApiError::unknown())
}
