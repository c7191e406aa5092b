//! `ApiJson<T>`: the JSON body extractor for every route. Malformed or
//! mistyped bodies become `400 invalid_data` naming the problem, bodies over
//! the configured limit `413`, never axum's plain-text rejections.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON request body of type `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(rejection)),
        }
    }
}

fn rejection_to_error(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            // serde's message names the field and what was expected.
            let detail = std::error::Error::source(&e)
                .map(ToString::to_string)
                .unwrap_or_else(|| e.body_text());
            ApiError::invalid_data(format!("Invalid request: {detail}"))
        }
        JsonRejection::JsonSyntaxError(e) => {
            let detail = std::error::Error::source(&e)
                .map(ToString::to_string)
                .unwrap_or_else(|| e.body_text());
            ApiError::invalid_data(format!("Invalid request: malformed JSON body ({detail})"))
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::invalid_data(
            "Invalid request: expected a JSON body with content-type: application/json",
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::invalid_data("Request body is larger than the server accepts")
                .with_status(StatusCode::PAYLOAD_TOO_LARGE)
        }
        other => ApiError::invalid_data(format!("Invalid request: {}", other.body_text())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use serde::Deserialize;
    use tower::ServiceExt;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct AddItem {
        #[allow(dead_code)]
        variant_id: String,
        quantity: u32,
    }

    async fn send(
        body: &'static str,
        content_type: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let app = Router::new()
            .route(
                "/",
                post(|ApiJson(item): ApiJson<AddItem>| async move { item.quantity.to_string() }),
            )
            .layer(DefaultBodyLimit::max(64));
        let mut req = axum::http::Request::post("/");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = app
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, json)
    }

    const JSON: Option<&str> = Some("application/json");

    #[tokio::test]
    async fn valid_body_passes() {
        let app_status = send(r#"{"variant_id":"v","quantity":2}"#, JSON).await.0;
        assert_eq!(app_status, StatusCode::OK);
    }

    #[tokio::test]
    async fn wrong_type_names_the_field() {
        let (status, body) = send(r#"{"variant_id":"v","quantity":"two"}"#, JSON).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["type"], "invalid_data");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("Invalid request: ") && message.contains("quantity"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn missing_and_unknown_fields_are_named() {
        let (_, body) = send(r#"{"quantity":1}"#, JSON).await;
        assert!(
            body["message"].as_str().unwrap().contains("variant_id"),
            "{body}"
        );
        let (status, body) = send(r#"{"variant_id":"v","quantity":1,"foo":1}"#, JSON).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().contains("foo"), "{body}");
    }

    #[tokio::test]
    async fn malformed_json_and_content_type_are_invalid_data() {
        let (status, body) = send(r#"{"variant_id":"#, JSON).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["type"], "invalid_data");
        let (status, body) = send(r#"{"variant_id":"v","quantity":1}"#, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["type"], "invalid_data");
    }

    #[tokio::test]
    async fn oversized_body_is_413_with_envelope() {
        let big = r#"{"variant_id":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv","quantity":1}"#;
        let (status, body) = send(big, JSON).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["type"], "invalid_data");
    }
}
