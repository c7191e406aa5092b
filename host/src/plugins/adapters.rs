//! Plugin extensions as the framework's own kinds: workflow steps, event
//! subscribers and scheduled jobs that call into the plugin.

use std::sync::Arc;

use serde_json::Value;

use super::call::PluginError;
use super::plugin::LoadedPlugin;
use crate::framework::events::{Event, Subscriber, SubscriberError, SubscriberFuture};
use crate::framework::jobs::{JobContext, JobFuture, JobHandler};
use crate::framework::workflows::{
    CompensateContext, StepContext, StepError, StepFuture, StepHandler, StepOutput,
};

/// A plugin error as a step failure: domain errors keep their Medusa type
/// and are not retried; traps and timeouts are ordinary failures.
pub fn step_error(error: PluginError) -> StepError {
    use super::bindings::types::ErrorKind as K;
    match error {
        PluginError::Domain(e) => {
            let kind = match e.kind {
                K::InvalidData => "invalid_data",
                K::NotFound => "not_found",
                K::NotAllowed => "not_allowed",
                K::Unauthorized => "unauthorized",
                K::DuplicateError => "duplicate_error",
                K::Conflict => "conflict",
                K::UnexpectedState => "unexpected_state",
            };
            let mut step = StepError::permanent(kind, e.message);
            step.code = e.code;
            step
        }
        other => StepError::new(other.to_string()),
    }
}

/// One step of a plugin workflow.
pub struct PluginStep {
    pub plugin: Arc<LoadedPlugin>,
    pub workflow: String,
    pub step: String,
    pub compensates: bool,
}

impl StepHandler for PluginStep {
    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
        Box::pin(async move {
            let previous = Value::Object(ctx.results().clone());
            let input = ctx.input().clone();
            let tx = ctx.take_transaction();
            let transaction_id = ctx.transaction_id().to_owned();
            let (outcome, finished) = self
                .plugin
                .call_step(
                    &self.workflow,
                    &self.step,
                    &input,
                    &previous,
                    tx,
                    &transaction_id,
                    super::depth::current(),
                )
                .await;
            ctx.restore_transaction(finished.tx);
            for event in finished.staged {
                ctx.emit(&event.name, event.data);
            }
            let (output, compensate) = outcome.map_err(step_error)?;
            Ok(StepOutput::new(output).compensate_with(compensate))
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let data = ctx.data().clone();
            let tx = ctx.take_transaction();
            let transaction_id = ctx.transaction_id().to_owned();
            let (outcome, finished) = self
                .plugin
                .call_compensation(&self.workflow, &self.step, &data, tx, &transaction_id)
                .await;
            ctx.restore_transaction(finished.tx);
            outcome.map_err(step_error)
        })
    }

    fn has_compensation(&self) -> bool {
        self.compensates
    }
}

/// A plugin subscriber on the event bus.
pub struct PluginSubscriber {
    pub plugin: Arc<LoadedPlugin>,
    /// `<plugin>:<subscriber id>`, stable across restarts.
    pub id: String,
    pub local_id: String,
    pub events: Vec<String>,
}

impl Subscriber for PluginSubscriber {
    fn id(&self) -> &str {
        &self.id
    }

    fn events(&self) -> Vec<String> {
        self.events.clone()
    }

    fn handle<'a>(&'a self, event: &'a Event) -> SubscriberFuture<'a> {
        Box::pin(async move {
            self.plugin
                .call_event(&self.local_id, &event.name, &event.data, &event.id)
                .await
                .map_err(|e| SubscriberError(e.to_string()))
        })
    }
}

/// A plugin job on the scheduler.
pub struct PluginJob {
    pub plugin: Arc<LoadedPlugin>,
    pub name: String,
}

impl JobHandler for PluginJob {
    fn run<'a>(&'a self, ctx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(async move {
            let run_id = format!("job:{}:{}", ctx.name, ctx.execution);
            self.plugin
                .call_job(&self.name, &run_id)
                .await
                .map_err(|e| e.to_string())
        })
    }
}
