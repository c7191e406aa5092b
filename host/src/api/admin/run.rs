//! Running a workflow for an admin route: its output, or the error as the
//! spec's `{type, message}`; the event dispatcher is woken when the run
//! released events.

use serde_json::Value;

use crate::api::error::ApiError;
use crate::app::AppState;

pub async fn run(state: &AppState, workflow: &str, input: Value) -> Result<Value, ApiError> {
    let run = state.runtime().workflows.run(workflow, None, input).await?;
    if run.released_events > 0 {
        state.runtime().events.wake();
    }
    Ok(run.output)
}
