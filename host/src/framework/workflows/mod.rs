//! Workflows: steps with compensation, composed in sequence, in parallel and
//! by nesting, with named hooks, retries, timeouts and idempotency by
//! transaction id. Every execution is journaled in `workflow_execution`; a
//! step's writes commit together with its journal entry, so after a crash the
//! journal tells exactly what to compensate (see [`WorkflowEngine::recover`]).
//!
//! ```no_run
//! use std::sync::Arc;
//! use medusa_host::framework::workflows::*;
//!
//! struct Reserve;
//! impl StepHandler for Reserve {
//!     fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
//!         Box::pin(async move {
//!             let qty = ctx.input()["quantity"].clone();
//!             ctx.emit("inventory.reserved", serde_json::json!({ "quantity": qty }));
//!             Ok(StepOutput::new(qty.clone()).compensate_with(qty))
//!         })
//!     }
//!     fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
//!         Box::pin(async move { let _undo = ctx.data(); Ok(()) })
//!     }
//! }
//! let workflow = WorkflowDef::new("reserve-stock").step(StepDef::new("reserve", Arc::new(Reserve)));
//! ```

mod chain;
mod context;
mod definition;
mod engine;
mod journal;
mod recovery;
mod step;

pub use chain::Chain;
pub use context::{CompensateContext, StagedEvent, StepContext, WorkflowEnv};
pub use definition::{InputMapper, Node, StepDef, WorkflowDef};
pub use engine::{WorkflowEngine, WorkflowError, WorkflowRun};
pub use journal::{ExecutionRecord, ExecutionState, StepRecord, StepState};
pub use recovery::RecoveryReport;
pub use step::{CompensateFn, FnStep, InvokeFn, StepError, StepFuture, StepHandler, StepOutput};
