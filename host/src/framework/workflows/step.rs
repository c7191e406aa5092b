//! What a step is: an `invoke` and an optional `compensate`.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use super::{CompensateContext, StepContext};

/// The future a step returns.
pub type StepFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StepError>> + Send + 'a>>;

/// Why a step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StepError {
    pub message: String,
    /// A permanent failure is not retried.
    pub permanent: bool,
    /// Medusa error type to answer with (`invalid_data`, `not_allowed`, ...).
    pub kind: Option<String>,
    /// Medusa error code, when there is one.
    pub code: Option<String>,
}

impl StepError {
    /// A failure worth retrying (when the step has retries).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
            kind: None,
            code: None,
        }
    }

    /// Adds Medusa's machine-readable `code` (e.g. `insufficient_inventory`).
    pub fn with_code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        self
    }

    /// A failure that retrying cannot fix (bad input, business rule).
    pub fn permanent(kind: &str, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
            kind: Some(kind.to_owned()),
            code: None,
        }
    }
}

impl From<crate::framework::data::ServiceError> for StepError {
    fn from(err: crate::framework::data::ServiceError) -> Self {
        use crate::framework::data::ServiceError as E;
        match &err {
            E::InvalidData(_) | E::NotOwnModel { .. } => {
                Self::permanent("invalid_data", err.to_string())
            }
            E::NotFound { .. } => Self::permanent("not_found", err.to_string()),
            E::Duplicate(_) => Self::permanent("duplicate_error", err.to_string()),
            E::Db(_) => Self::new(err.to_string()),
        }
    }
}

impl From<crate::db::DbError> for StepError {
    fn from(err: crate::db::DbError) -> Self {
        Self::new(err.to_string())
    }
}

/// What a step produced, and what its compensation will need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepOutput {
    pub output: Value,
    pub compensate_input: Value,
}

impl StepOutput {
    pub fn new(output: Value) -> Self {
        Self {
            output,
            compensate_input: Value::Null,
        }
    }

    pub fn compensate_with(mut self, data: Value) -> Self {
        self.compensate_input = data;
        self
    }
}

/// A step's behaviour. `invoke` runs inside a transaction the engine commits
/// together with the step's journal entry; `compensate` undoes it.
pub trait StepHandler: Send + Sync + 'static {
    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput>;

    /// Undoes a completed invoke. The default does nothing.
    fn compensate<'a>(&'a self, _ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    /// False when there is nothing to undo (journaled as "no compensation").
    fn has_compensation(&self) -> bool {
        true
    }

    /// False for steps that must not hold a transaction while they run (a
    /// nested workflow opens its own); their context then writes directly.
    fn transactional(&self) -> bool {
        true
    }

    /// The ids of the steps this one runs as a chain ([`super::Chain`]):
    /// its output holds each one's, which later steps see as results.
    fn chained(&self) -> Vec<String> {
        Vec::new()
    }
}

/// An invoke written as a plain function.
pub type InvokeFn = for<'a> fn(&'a mut StepContext) -> StepFuture<'a, StepOutput>;
/// A compensation written as a plain function.
pub type CompensateFn = for<'a> fn(&'a mut CompensateContext) -> StepFuture<'a, ()>;

/// A step made of plain functions.
pub struct FnStep {
    pub invoke: InvokeFn,
    pub compensate: Option<CompensateFn>,
}

impl StepHandler for FnStep {
    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
        (self.invoke)(ctx)
    }

    fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        match self.compensate {
            Some(f) => f(ctx),
            None => Box::pin(async { Ok(()) }),
        }
    }

    fn has_compensation(&self) -> bool {
        self.compensate.is_some()
    }
}
