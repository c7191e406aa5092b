//! Medusa's error body, `{"type", "message", "code"?}`, with the status each type
//! maps to (spec §1.6). Every handler error becomes an [`ApiError`].

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;

/// The `type` of an error, as Medusa names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    InvalidData,
    NotAllowed,
    NotFound,
    Unauthorized,
    DuplicateError,
    PaymentAuthorizationError,
    Conflict,
    DatabaseError,
    UnexpectedState,
    InvalidArgument,
    UnknownError,
}

impl ErrorType {
    /// The HTTP status Medusa answers with for this type.
    pub fn status(self) -> StatusCode {
        match self {
            Self::InvalidData | Self::NotAllowed => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::DuplicateError | Self::PaymentAuthorizationError => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Conflict => StatusCode::CONFLICT,
            Self::DatabaseError
            | Self::UnexpectedState
            | Self::InvalidArgument
            | Self::UnknownError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    pub kind: ErrorType,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// An error answered to an HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        Self {
            status: kind.status(),
            body: ErrorBody {
                kind,
                message: message.into(),
                code: None,
            },
        }
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.body.code = Some(code.into());
        self
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn invalid_data(message: impl Into<String>) -> Self {
        Self::new(ErrorType::InvalidData, message)
    }

    pub fn not_allowed(message: impl Into<String>) -> Self {
        Self::new(ErrorType::NotAllowed, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorType::NotFound, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Unauthorized, message)
    }

    pub fn duplicate(message: impl Into<String>) -> Self {
        Self::new(ErrorType::DuplicateError, message).with_code("invalid_request_error")
    }

    pub fn conflict() -> Self {
        Self::new(
            ErrorType::Conflict,
            "The request conflicted with another request. You may retry the request with the provided Idempotency-Key.",
        )
        .with_code("invalid_state_error")
    }

    /// The opaque 500 answered for anything unexpected; details go to the log only.
    pub fn unknown() -> Self {
        Self::new(ErrorType::UnknownError, "An unknown error occurred.").with_code("unknown_error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = %self.status, kind = ?self.body.kind, message = %self.body.message, "request failed");
        }
        (self.status, Json(self.body)).into_response()
    }
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::UniqueViolation { constraint } => Self::duplicate(format!(
                "A record with the same {constraint} already exists."
            )),
            other => {
                tracing::error!(error = %other, "database error");
                Self::new(ErrorType::DatabaseError, "An unknown error occurred.")
                    .with_code("api_error")
            }
        }
    }
}

impl From<crate::framework::data::ServiceError> for ApiError {
    fn from(err: crate::framework::data::ServiceError) -> Self {
        use crate::framework::data::ServiceError as E;
        match err {
            E::NotFound { .. } => Self::not_found(err.to_string()),
            E::InvalidData(message) => Self::invalid_data(message),
            E::Duplicate(message) => Self::duplicate(message),
            E::NotOwnModel { .. } => {
                tracing::error!(error = %err, "a module reached outside itself");
                Self::unknown()
            }
            E::Db(db) => db.into(),
        }
    }
}

impl From<crate::framework::query::QueryError> for ApiError {
    fn from(err: crate::framework::query::QueryError) -> Self {
        match err {
            crate::framework::query::QueryError::Service(e) => e.into(),
            other => Self::invalid_data(other.to_string()),
        }
    }
}

impl From<crate::framework::workflows::StepError> for ApiError {
    fn from(error: crate::framework::workflows::StepError) -> Self {
        crate::framework::workflows::WorkflowError::Failed {
            workflow: String::new(),
            step: String::new(),
            error,
            compensation_failed: false,
        }
        .into()
    }
}

impl From<crate::framework::workflows::WorkflowError> for ApiError {
    fn from(err: crate::framework::workflows::WorkflowError) -> Self {
        use crate::framework::workflows::WorkflowError as W;
        match err {
            W::Failed { error, .. } => {
                let kind = match error.kind.as_deref() {
                    Some("invalid_data") => ErrorType::InvalidData,
                    Some("not_allowed") => ErrorType::NotAllowed,
                    Some("not_found") => ErrorType::NotFound,
                    Some("duplicate_error") => ErrorType::DuplicateError,
                    Some("unauthorized") => ErrorType::Unauthorized,
                    Some("payment_authorization_error") => ErrorType::PaymentAuthorizationError,
                    Some("conflict") => return Self::conflict(),
                    _ => {
                        tracing::error!(error = %error, "workflow failed");
                        return Self::unknown();
                    }
                };
                let api = Self::new(kind, error.message);
                match error.code {
                    Some(code) => api.with_code(code),
                    None => api,
                }
            }
            W::InProgress { .. } => Self::conflict(),
            W::Journal(e) => e.into(),
            W::Unknown(name) => {
                tracing::error!(workflow = %name, "unknown workflow");
                Self::unknown()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_medusa() {
        assert_eq!(ErrorType::InvalidData.status(), 400);
        assert_eq!(ErrorType::NotAllowed.status(), 400);
        assert_eq!(ErrorType::NotFound.status(), 404);
        assert_eq!(ErrorType::Unauthorized.status(), 401);
        assert_eq!(ErrorType::DuplicateError.status(), 422);
        assert_eq!(ErrorType::PaymentAuthorizationError.status(), 422);
        assert_eq!(ErrorType::Conflict.status(), 409);
        assert_eq!(ErrorType::DatabaseError.status(), 500);
        assert_eq!(ErrorType::UnknownError.status(), 500);
    }

    #[test]
    fn body_omits_absent_code() {
        let body =
            serde_json::to_value(ApiError::not_found("Product with id: p was not found").body)
                .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"type": "not_found", "message": "Product with id: p was not found"})
        );
        let body = serde_json::to_value(ApiError::unknown().body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"type": "unknown_error", "code": "unknown_error", "message": "An unknown error occurred."})
        );
    }

    #[test]
    fn unique_violations_are_duplicates() {
        let err = ApiError::from(DbError::UniqueViolation {
            constraint: "handle".into(),
        });
        assert_eq!(err.status, 422);
        assert_eq!(err.body.code.as_deref(), Some("invalid_request_error"));
    }
}
