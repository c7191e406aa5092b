//! After a crash: executions left running are finished (when every step was
//! recorded) or compensated; finished executions past retention are purged.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::db::{DbError, Exec};

use super::engine::{WorkflowEngine, WorkflowError};
use super::journal::{self, ExecutionRecord, ExecutionState, StepState};

/// What [`WorkflowEngine::recover`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Executions whose steps had all completed: marked done.
    pub resumed: Vec<String>,
    /// Executions compensated.
    pub reverted: Vec<String>,
    /// Executions of workflows this host does not know: left alone.
    pub unknown: Vec<String>,
}

impl WorkflowEngine {
    /// Recovers running executions whose heartbeat is older than `stale_after`
    /// (their host died).
    pub async fn recover(
        self: &Arc<Self>,
        stale_after: Duration,
    ) -> Result<RecoveryReport, DbError> {
        let cutoff =
            chrono::Utc::now() - chrono::Duration::from_std(stale_after).unwrap_or_default();
        let before = Value::String(crate::db::codec::format_timestamp(cutoff));
        let mut report = RecoveryReport::default();
        for record in journal::stale(&self.env.db, &before).await? {
            let Some(def) = self.definition(&record.workflow_id) else {
                report.unknown.push(record.transaction_id.clone());
                continue;
            };
            let plan: Vec<_> = self.plan(&def).into_iter().flatten().collect();
            let all_done = plan.iter().all(|s| {
                record
                    .steps
                    .iter()
                    .any(|r| r.step_id == s.id && r.state == StepState::Done)
            });
            if all_done {
                // The result step's output, or a chain's output for it.
                let output = def
                    .result_step
                    .as_ref()
                    .and_then(|id| {
                        record
                            .steps
                            .iter()
                            .find(|r| &r.step_id == id)
                            .map(|r| r.output.clone())
                            .or_else(|| record.steps.iter().find_map(|r| r.output.get(id).cloned()))
                    })
                    .or_else(|| record.steps.last().map(|r| r.output.clone()))
                    .unwrap_or(Value::Null);
                self.finalize(&record.id, &record.steps, &output).await?;
                tracing::info!(workflow = %record.workflow_id, transaction = %record.transaction_id, "recovered: every step was done");
                report.resumed.push(record.transaction_id.clone());
            } else {
                self.revert_record(&record, &plan).await?;
                report.reverted.push(record.transaction_id.clone());
            }
        }
        Ok(report)
    }

    async fn revert_record(
        &self,
        record: &ExecutionRecord,
        plan: &[super::StepDef],
    ) -> Result<bool, DbError> {
        let mut interrupted = None;
        let mut done = Vec::new();
        for step in &record.steps {
            match step.state {
                StepState::Invoking => {
                    let mut s = step.clone();
                    s.state = StepState::Interrupted;
                    s.error = Some("the host stopped while this step ran".into());
                    journal::save_step(&mut Exec::Db(&self.env.db), &record.id, &s).await?;
                    interrupted.get_or_insert(step.step_id.clone());
                }
                StepState::Done | StepState::Compensating => {
                    if let Some(def) = plan.iter().find(|d| d.id == step.step_id) {
                        done.push((def.clone(), step.clone()));
                    }
                }
                _ => {}
            }
        }
        let failed = self
            .compensate_all(&record.id, &record.transaction_id, done)
            .await?;
        let state = if failed {
            ExecutionState::Failed
        } else {
            ExecutionState::Reverted
        };
        let error = json!({ "step": interrupted, "message": "interrupted: the host stopped during the workflow", "type": "unexpected_state" });
        journal::finish(
            &mut Exec::Db(&self.env.db),
            &record.id,
            state,
            &Value::Null,
            &error,
        )
        .await?;
        tracing::warn!(workflow = %record.workflow_id, transaction = %record.transaction_id, ?state, "recovered an interrupted workflow by compensation");
        Ok(failed)
    }

    /// Compensates a finished execution (used when a parent workflow fails
    /// after a nested one succeeded).
    pub async fn revert(
        self: &Arc<Self>,
        workflow_id: &str,
        transaction_id: &str,
    ) -> Result<(), WorkflowError> {
        let def = self
            .definition(workflow_id)
            .ok_or_else(|| WorkflowError::Unknown(workflow_id.to_owned()))?;
        let Some(record) = journal::load(&self.env.db, workflow_id, transaction_id).await? else {
            return Ok(());
        };
        if record.state != ExecutionState::Done {
            return Ok(());
        }
        let plan: Vec<_> = self.plan(&def).into_iter().flatten().collect();
        self.revert_record(&record, &plan).await?;
        Ok(())
    }

    /// Deletes finished executions older than `retention`.
    pub async fn purge_expired(&self, retention: Duration) -> Result<u64, DbError> {
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(retention).unwrap_or_default();
        journal::purge(
            &self.env.db,
            &Value::String(crate::db::codec::format_timestamp(cutoff)),
        )
        .await
    }
}
