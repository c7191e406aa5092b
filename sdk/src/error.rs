//! [`Error`]: a domain error the host answers as Medusa's `{type, message}`
//! with the matching HTTP status. Return it; do not panic (a panic is a trap,
//! reported as a 500 naming the plugin).

use crate::bindings::medusa::plugin::types as wit;

/// Medusa's error types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400 `invalid_data`.
    InvalidData,
    /// 404 `not_found`.
    NotFound,
    /// 400 `not_allowed`.
    NotAllowed,
    /// 401 `unauthorized`.
    Unauthorized,
    /// 422 `duplicate_error`.
    Duplicate,
    /// 409 `conflict`.
    Conflict,
    /// 500 `unexpected_state`.
    Unexpected,
}

/// A domain error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Machine-readable code, e.g. `insufficient_inventory`.
    pub code: Option<String>,
}

/// The SDK's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            code: None,
        }
    }
    pub fn invalid_data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidData, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn not_allowed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotAllowed, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, message)
    }
    pub fn unexpected(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unexpected, message)
    }
    /// Adds a machine-readable code.
    pub fn with_code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::invalid_data(e.to_string())
    }
}

impl From<wit::Error> for Error {
    fn from(e: wit::Error) -> Self {
        let kind = match e.kind {
            wit::ErrorKind::InvalidData => ErrorKind::InvalidData,
            wit::ErrorKind::NotFound => ErrorKind::NotFound,
            wit::ErrorKind::NotAllowed => ErrorKind::NotAllowed,
            wit::ErrorKind::Unauthorized => ErrorKind::Unauthorized,
            wit::ErrorKind::DuplicateError => ErrorKind::Duplicate,
            wit::ErrorKind::Conflict => ErrorKind::Conflict,
            wit::ErrorKind::UnexpectedState => ErrorKind::Unexpected,
        };
        Self {
            kind,
            message: e.message,
            code: e.code,
        }
    }
}

impl From<Error> for wit::Error {
    fn from(e: Error) -> Self {
        let kind = match e.kind {
            ErrorKind::InvalidData => wit::ErrorKind::InvalidData,
            ErrorKind::NotFound => wit::ErrorKind::NotFound,
            ErrorKind::NotAllowed => wit::ErrorKind::NotAllowed,
            ErrorKind::Unauthorized => wit::ErrorKind::Unauthorized,
            ErrorKind::Duplicate => wit::ErrorKind::DuplicateError,
            ErrorKind::Conflict => wit::ErrorKind::Conflict,
            ErrorKind::Unexpected => wit::ErrorKind::UnexpectedState,
        };
        Self {
            kind,
            message: e.message,
            code: e.code,
        }
    }
}
