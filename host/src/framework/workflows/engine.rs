//! Running workflows: steps in order (groups in parallel), retries with
//! backoff, timeouts, compensation in reverse order on failure, and the
//! journal written as it goes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::db::{DbError, Exec, Write};
use crate::framework::id::generate_id;

use super::context::{CompensateContext, StepContext, WorkflowEnv};
use super::definition::{Node, StepDef, WorkflowDef};
use super::journal::{self, ExecutionRecord, ExecutionState, StepRecord, StepState};
use super::step::{StepError, StepFuture, StepHandler, StepOutput};

/// Why a workflow run did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("unknown workflow {0}")]
    Unknown(String),
    #[error("workflow {workflow} failed at step {step}: {error}")]
    Failed {
        workflow: String,
        step: String,
        error: StepError,
        /// A compensation failed too: the execution needs attention.
        compensation_failed: bool,
    },
    #[error("workflow {workflow} with transaction {transaction_id} is still running")]
    InProgress {
        workflow: String,
        transaction_id: String,
    },
    #[error("workflow journal: {0}")]
    Journal(#[from] DbError),
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowRun {
    pub transaction_id: String,
    pub output: Value,
    /// True when this transaction id had already run and its result was replayed.
    pub replayed: bool,
    /// Events this run released to the outbox that someone handles (wake
    /// the dispatcher when > 0).
    pub released_events: usize,
}

type HookMap = HashMap<(String, String), Vec<Arc<dyn StepHandler>>>;

/// Registered workflows and hook handlers, and the machinery to run them.
pub struct WorkflowEngine {
    pub(super) env: Arc<WorkflowEnv>,
    pub(super) workflows: RwLock<HashMap<String, Arc<WorkflowDef>>>,
    pub(super) hooks: RwLock<HookMap>,
    /// How often a running execution refreshes its heartbeat.
    pub heartbeat_every: Duration,
}

impl WorkflowEngine {
    pub fn new(env: WorkflowEnv) -> Arc<Self> {
        Arc::new(Self {
            env: Arc::new(env),
            workflows: RwLock::new(HashMap::new()),
            hooks: RwLock::new(HashMap::new()),
            heartbeat_every: Duration::from_secs(10),
        })
    }

    pub fn env(&self) -> &WorkflowEnv {
        &self.env
    }

    /// Makes a workflow runnable (and recoverable) by id.
    pub fn register(&self, workflow: WorkflowDef) {
        if let Ok(mut map) = self.workflows.write() {
            map.insert(workflow.id.clone(), Arc::new(workflow));
        }
    }

    /// Attaches a handler to the hook `hook` of `workflow`.
    pub fn on_hook(&self, workflow: &str, hook: &str, handler: Arc<dyn StepHandler>) {
        if let Ok(mut map) = self.hooks.write() {
            map.entry((workflow.to_owned(), hook.to_owned()))
                .or_default()
                .push(handler);
        }
    }

    pub(super) fn definition(&self, id: &str) -> Option<Arc<WorkflowDef>> {
        self.workflows.read().ok()?.get(id).cloned()
    }

    fn hook_handlers(&self, workflow: &str, hook: &str) -> Vec<Arc<dyn StepHandler>> {
        self.hooks
            .read()
            .ok()
            .and_then(|m| m.get(&(workflow.to_owned(), hook.to_owned())).cloned())
            .unwrap_or_default()
    }

    /// Every step of `def` by journal id, with its handler, in run order.
    pub(super) fn plan(self: &Arc<Self>, def: &WorkflowDef) -> Vec<Vec<StepDef>> {
        def.nodes
            .iter()
            .map(|node| match node {
                Node::Step(step) => vec![step.clone()],
                Node::Parallel(steps) => steps.clone(),
                Node::Workflow {
                    id,
                    workflow,
                    input,
                } => {
                    let handler = Arc::new(NestedWorkflow {
                        engine: Arc::downgrade(self),
                        workflow: workflow.clone(),
                    });
                    let mut step = StepDef::new(id, handler);
                    step.input = input.clone();
                    vec![step]
                }
                Node::Hook(name) => self
                    .hook_handlers(&def.id, name)
                    .into_iter()
                    .enumerate()
                    .map(|(i, h)| StepDef::new(&format!("hook:{name}:{i}"), h))
                    .collect(),
            })
            .collect()
    }

    /// Runs `workflow_id` with `input`. With a `transaction_id` that ran
    /// before, returns that run's result instead of running again.
    pub async fn run(
        self: &Arc<Self>,
        workflow_id: &str,
        transaction_id: Option<&str>,
        input: Value,
    ) -> Result<WorkflowRun, WorkflowError> {
        let def = self
            .definition(workflow_id)
            .ok_or_else(|| WorkflowError::Unknown(workflow_id.to_owned()))?;
        self.register_nested(&def);
        // When the first step is a lone transactional one, the execution
        // starts in its transaction (no commit of its own). A transaction id
        // given by the caller may have run before: that run is looked up
        // first, and a concurrent twin is caught by the journal's unique key.
        let deferred = self
            .plan(&def)
            .into_iter()
            .find(|g| !g.is_empty())
            .is_some_and(|g| g.len() == 1 && g[0].handler.transactional());
        let given = transaction_id.is_some();
        let transaction_id = transaction_id
            .map(str::to_owned)
            .unwrap_or_else(|| generate_id("wftx"));
        let execution_id = generate_id("wfexec");
        let db = &self.env.db;
        let earlier = match (deferred, given) {
            (true, false) => None,
            (true, true) => journal::load(db, workflow_id, &transaction_id).await?,
            (false, _) => {
                journal::insert(db, &execution_id, workflow_id, &transaction_id, &input).await?
            }
        };
        if let Some(existing) = earlier {
            return replay(existing);
        }
        let heartbeat = self.spawn_heartbeat(execution_id.clone());
        let result = self
            .execute(&def, &execution_id, &transaction_id, input, deferred)
            .await;
        heartbeat.abort();
        match result {
            // A twin with the same transaction id journaled first; this run
            // rolled back with its first step.
            Err(WorkflowError::Journal(DbError::UniqueViolation { .. })) if deferred && given => {
                match journal::load(db, workflow_id, &transaction_id).await? {
                    Some(twin) if twin.id != execution_id => replay(twin),
                    _ => result,
                }
            }
            other => other,
        }
    }

    fn register_nested(&self, def: &WorkflowDef) {
        for node in &def.nodes {
            if let Node::Workflow { workflow, .. } = node
                && self.definition(&workflow.id).is_none()
            {
                self.register(workflow.as_ref().clone());
                self.register_nested(workflow);
            }
        }
    }

    fn spawn_heartbeat(&self, execution_id: String) -> tokio::task::JoinHandle<()> {
        let db = self.env.db.clone();
        let every = self.heartbeat_every;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = journal::heartbeat(&db, &execution_id).await {
                    tracing::warn!(execution = %execution_id, error = %e, "workflow heartbeat failed");
                }
            }
        })
    }

    async fn execute(
        self: &Arc<Self>,
        def: &WorkflowDef,
        execution_id: &str,
        transaction_id: &str,
        input: Value,
        deferred: bool,
    ) -> Result<WorkflowRun, WorkflowError> {
        let input = Arc::new(input);
        let mut deferred = deferred;
        let mut results = Map::new();
        let mut done: Vec<(StepDef, StepRecord)> = Vec::new();
        let mut position = 0i64;
        let mut failure: Option<(String, StepError)> = None;
        let plan: Vec<Vec<StepDef>> = self
            .plan(def)
            .into_iter()
            .filter(|g| !g.is_empty())
            .collect();
        let mut prewritten = false;
        for (index, group) in plan.iter().enumerate() {
            let snapshot = Arc::new(results.clone());
            let sequential = group.len() == 1;
            // A lone step writes the next lone step's "invoking" entry, or
            // (the last, in a transaction) the execution's end, in its own
            // transaction: fewer round trips and commits per workflow.
            let next = match plan.get(index + 1) {
                Some(next) if sequential && next.len() == 1 => {
                    Some(StepRecord::start(&next[0].id, position + 2))
                }
                _ => None,
            };
            let finish = (sequential
                && index + 1 == plan.len()
                && group[0].handler.transactional())
            .then(|| FinishPlan {
                result_step: def.result_step.clone(),
                events: done
                    .iter()
                    .flat_map(|(_, r)| r.events.iter().cloned())
                    .collect(),
            });
            let mut extras = Some(Piggyback {
                prewritten,
                next,
                finish,
                start: std::mem::take(&mut deferred),
            });
            prewritten = extras.as_ref().is_some_and(|e| e.next.is_some());
            let runs = group.iter().map(|step| {
                position += 1;
                let piggyback = if sequential {
                    extras.take().unwrap_or_default()
                } else {
                    Piggyback::default()
                };
                self.invoke_step(
                    def,
                    execution_id,
                    transaction_id,
                    step,
                    position,
                    input.clone(),
                    snapshot.clone(),
                    piggyback,
                )
            });
            let outcomes = futures::future::join_all(runs.collect::<Vec<_>>()).await;
            for (step, outcome) in group.iter().cloned().zip(outcomes) {
                match outcome {
                    Ok((record, Some(output))) => {
                        // The last step finished the execution in its transaction.
                        let released = self.env.heard(
                            done.iter()
                                .flat_map(|(_, r)| &r.events)
                                .chain(&record.events),
                        );
                        return Ok(WorkflowRun {
                            transaction_id: transaction_id.to_owned(),
                            output,
                            replayed: false,
                            released_events: released,
                        });
                    }
                    Ok((record, None)) => {
                        for link in step.handler.chained() {
                            let output = record.output.get(&link).cloned().unwrap_or_default();
                            results.insert(link, output);
                        }
                        results.insert(step.id.clone(), record.output.clone());
                        done.push((step, record));
                    }
                    Err(StepFailure::Step(e)) => {
                        failure.get_or_insert((step.id.clone(), e));
                    }
                    Err(StepFailure::Journal(e)) => return Err(e.into()),
                }
            }
            if failure.is_some() {
                break;
            }
        }
        match failure {
            None => {
                let output = def
                    .result_step
                    .as_ref()
                    .and_then(|id| results.get(id))
                    .or_else(|| done.last().map(|(_, r)| &r.output))
                    .cloned()
                    .unwrap_or(Value::Null);
                let records: Vec<StepRecord> = done.into_iter().map(|(_, r)| r).collect();
                self.finalize(execution_id, &records, &output).await?;
                Ok(WorkflowRun {
                    transaction_id: transaction_id.to_owned(),
                    output,
                    replayed: false,
                    released_events: self.env.heard(records.iter().flat_map(|r| &r.events)),
                })
            }
            Some((step, error)) => {
                tracing::warn!(workflow = %def.id, transaction = %transaction_id, step = %step, error = %error, "workflow failed; compensating");
                let compensation_failed = self
                    .compensate_all(execution_id, transaction_id, done)
                    .await?;
                let state = if compensation_failed {
                    ExecutionState::Failed
                } else {
                    ExecutionState::Reverted
                };
                let error_json =
                    json!({ "step": step, "message": error.message, "type": error.kind });
                journal::finish(
                    &mut Exec::Db(&self.env.db),
                    execution_id,
                    state,
                    &Value::Null,
                    &error_json,
                )
                .await?;
                Err(WorkflowError::Failed {
                    workflow: def.id.clone(),
                    step,
                    error,
                    compensation_failed,
                })
            }
        }
    }

    /// Marks the execution done and releases its staged events into the
    /// outbox, in one transaction.
    pub(super) async fn finalize(
        &self,
        execution_id: &str,
        records: &[StepRecord],
        output: &Value,
    ) -> Result<(), DbError> {
        let dialect = self.env.db.dialect();
        let mut writes: Vec<Write> = Vec::new();
        if let Some(insert) = self.env.release(records.iter().flat_map(|r| &r.events))? {
            writes.push(insert.into());
        }
        writes.push(journal::done_statement(execution_id, output, dialect)?.into());
        let mut tx = self.env.db.begin().await?;
        Exec::Tx(&mut tx).write_all(writes).await?;
        tx.commit().await
    }

    /// Compensates completed steps, last first. True when one failed.
    pub(super) async fn compensate_all(
        &self,
        execution_id: &str,
        transaction_id: &str,
        mut done: Vec<(StepDef, StepRecord)>,
    ) -> Result<bool, DbError> {
        done.sort_by_key(|(_, r)| std::cmp::Reverse(r.position));
        let mut failed = false;
        for (step, mut record) in done {
            if !step.handler.has_compensation() {
                continue;
            }
            record.state = StepState::Compensating;
            journal::save_step(&mut Exec::Db(&self.env.db), execution_id, &record).await?;
            let mut ctx = CompensateContext {
                transaction_id: transaction_id.into(),
                step_id: step.id.as_str().into(),
                data: record.compensate_input.clone(),
                env: self.env.clone(),
                tx: if step.handler.transactional() {
                    Some(self.env.db.begin().await?)
                } else {
                    None
                },
            };
            match step.handler.compensate(&mut ctx).await {
                Ok(()) => {
                    record.state = StepState::Compensated;
                    journal::save_step(&mut ctx.exec(), execution_id, &record).await?;
                    if let Some(tx) = ctx.tx.take() {
                        tx.commit().await?;
                    }
                }
                Err(e) => {
                    drop(ctx);
                    failed = true;
                    tracing::error!(step = %step.id, transaction = %transaction_id, error = %e, "compensation failed");
                    record.state = StepState::CompensationFailed;
                    record.error = Some(e.message);
                    journal::save_step(&mut Exec::Db(&self.env.db), execution_id, &record).await?;
                }
            }
        }
        Ok(failed)
    }

    /// Invokes one step with retries; its writes and journal entry commit
    /// together, with what `piggyback` adds. Returns its record, and the
    /// execution's output when it finished the execution.
    #[allow(clippy::too_many_arguments)]
    async fn invoke_step(
        &self,
        def: &WorkflowDef,
        execution_id: &str,
        transaction_id: &str,
        step: &StepDef,
        position: i64,
        input: Arc<Value>,
        results: Arc<Map<String, Value>>,
        piggyback: Piggyback,
    ) -> Result<(StepRecord, Option<Value>), StepFailure> {
        let workflow_input = input.clone();
        let step_input = match &step.input {
            Some(mapper) => Arc::new(mapper(&input, &results)),
            None => input,
        };
        let mut record = StepRecord::start(&step.id, position);
        // Whether the execution is still to be journaled (see `Piggyback::start`).
        let mut unjournaled = piggyback.start;
        if !piggyback.prewritten && !unjournaled {
            journal::save_step(&mut Exec::Db(&self.env.db), execution_id, &record).await?;
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            record.attempts = i64::from(attempt);
            let mut ctx = StepContext {
                workflow_id: def.id.as_str().into(),
                transaction_id: transaction_id.into(),
                step_id: step.id.as_str().into(),
                input: step_input.clone(),
                results: results.clone(),
                attempt,
                env: self.env.clone(),
                tx: if step.handler.transactional() {
                    Some(self.env.begin_for(def).await?)
                } else {
                    None
                },
                events: Vec::new(),
                with_journal: Vec::new(),
            };
            // A lone step that also finishes the execution journals it once,
            // done, at its end; any other first step at its start.
            let journal_at_end = unjournaled && piggyback.finish.is_some() && ctx.tx.is_some();
            if unjournaled && !journal_at_end {
                journal::insert_in(
                    &mut ctx.exec(),
                    execution_id,
                    &def.id,
                    transaction_id,
                    &workflow_input,
                    None,
                )
                .await?;
            }
            let outcome = match step.timeout {
                Some(limit) => tokio::time::timeout(limit, step.handler.invoke(&mut ctx))
                    .await
                    .unwrap_or_else(|_| {
                        Err(StepError::new(format!(
                            "step timed out after {} ms",
                            limit.as_millis()
                        )))
                    }),
                None => step.handler.invoke(&mut ctx).await,
            };
            match outcome {
                Ok(StepOutput {
                    output,
                    compensate_input,
                }) => {
                    record.state = StepState::Done;
                    record.output = output;
                    record.compensate_input = compensate_input;
                    record.events = std::mem::take(&mut ctx.events);
                    record.ended_at = crate::db::table::now_value().as_str().map(str::to_owned);
                    record.error = None;
                    let finished = match (&piggyback.finish, ctx.tx.is_some()) {
                        (Some(finish), true) => Some(
                            finish
                                .result_step
                                .as_ref()
                                .and_then(|id| {
                                    results
                                        .get(id)
                                        .or((id == &step.id).then_some(&record.output))
                                        .or_else(|| record.output.get(id))
                                })
                                .unwrap_or(&record.output)
                                .clone(),
                        ),
                        _ => None,
                    };
                    // The journal entries (and, for the last step, the
                    // execution's end and its events) go in one batch.
                    let env = ctx.env();
                    let dialect = env.db.dialect();
                    let mut writes: Vec<Write> = std::mem::take(&mut ctx.with_journal);
                    if journal_at_end {
                        writes.push(
                            journal::insert_statement(
                                execution_id,
                                &def.id,
                                transaction_id,
                                &workflow_input,
                                finished.as_ref(),
                                dialect,
                            )?
                            .into(),
                        );
                    }
                    if let (Some(finish), Some(output)) = (&piggyback.finish, &finished) {
                        if let Some(insert) =
                            env.release(finish.events.iter().chain(&record.events))?
                        {
                            writes.push(insert.into());
                        }
                        if !journal_at_end {
                            writes.push(
                                journal::done_statement(execution_id, output, dialect)?.into(),
                            );
                        }
                    }
                    let mut entry = record.clone();
                    if journal_at_end {
                        // The only step's output is the execution's: kept once.
                        entry.output = Value::Null;
                    }
                    let mut entries = vec![entry];
                    entries.extend(piggyback.next.iter().cloned());
                    writes.push(journal::steps_statement(execution_id, &entries, dialect)?.into());
                    ctx.exec().write_all(writes).await?;
                    if let Some(tx) = ctx.tx.take() {
                        tx.commit().await?;
                    }
                    return Ok((record, finished));
                }
                Err(error) => {
                    drop(ctx);
                    if std::mem::take(&mut unjournaled) {
                        // Rolled back with the step: journal the execution now.
                        journal::insert_in(
                            &mut Exec::Db(&self.env.db),
                            execution_id,
                            &def.id,
                            transaction_id,
                            &workflow_input,
                            None,
                        )
                        .await?;
                    }
                    record.error = Some(error.message.clone());
                    if error.permanent || attempt > step.max_retries {
                        record.state = StepState::Failed;
                        record.ended_at = crate::db::table::now_value().as_str().map(str::to_owned);
                        journal::save_step(&mut Exec::Db(&self.env.db), execution_id, &record)
                            .await?;
                        return Err(StepFailure::Step(error));
                    }
                    let delay = step
                        .backoff
                        .saturating_mul(2u32.saturating_pow(attempt - 1));
                    tracing::info!(step = %step.id, attempt, delay_ms = delay.as_millis() as u64, error = %error, "step failed; retrying");
                    journal::save_step(&mut Exec::Db(&self.env.db), execution_id, &record).await?;
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// The journal of one execution.
    pub async fn execution(
        &self,
        workflow_id: &str,
        transaction_id: &str,
    ) -> Result<Option<ExecutionRecord>, DbError> {
        journal::load(&self.env.db, workflow_id, transaction_id).await
    }
}

/// What a step's transaction writes for the engine besides the step's entry.
#[derive(Default)]
struct Piggyback {
    /// The step's "invoking" entry was written by the step before it.
    prewritten: bool,
    /// The execution is not journaled yet: this first step inserts it in its
    /// transaction (or, when it fails, after the rollback).
    start: bool,
    /// The next step's "invoking" entry.
    next: Option<StepRecord>,
    /// This step is the last: finish the execution and release its events.
    finish: Option<FinishPlan>,
}

struct FinishPlan {
    result_step: Option<String>,
    /// Events staged by the earlier steps.
    events: Vec<super::StagedEvent>,
}

enum StepFailure {
    Step(StepError),
    Journal(DbError),
}

impl From<DbError> for StepFailure {
    fn from(e: DbError) -> Self {
        Self::Journal(e)
    }
}

// The error is returned once per replayed request; boxing it would cost every caller.
#[allow(clippy::result_large_err)]
fn replay(existing: ExecutionRecord) -> Result<WorkflowRun, WorkflowError> {
    match existing.state {
        ExecutionState::Done => Ok(WorkflowRun {
            transaction_id: existing.transaction_id,
            output: existing.output,
            replayed: true,
            released_events: 0,
        }),
        ExecutionState::Running => Err(WorkflowError::InProgress {
            workflow: existing.workflow_id,
            transaction_id: existing.transaction_id,
        }),
        ExecutionState::Reverted | ExecutionState::Failed => {
            let message = existing.error["message"]
                .as_str()
                .unwrap_or("failed")
                .to_owned();
            let kind = existing.error["type"].as_str().map(str::to_owned);
            let code = existing.error["code"].as_str().map(str::to_owned);
            Err(WorkflowError::Failed {
                workflow: existing.workflow_id,
                step: existing.error["step"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                error: StepError {
                    message,
                    permanent: true,
                    kind,
                    code,
                },
                compensation_failed: existing.state == ExecutionState::Failed,
            })
        }
    }
}

/// A nested workflow run as one step: its own journaled execution, compensated
/// as a whole.
struct NestedWorkflow {
    engine: std::sync::Weak<WorkflowEngine>,
    workflow: Arc<WorkflowDef>,
}

impl StepHandler for NestedWorkflow {
    fn transactional(&self) -> bool {
        false
    }

    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
        Box::pin(async move {
            let engine = self
                .engine
                .upgrade()
                .ok_or_else(|| StepError::new("workflow engine stopped"))?;
            let tx_id = format!("{}/{}", ctx.transaction_id(), ctx.step_id());
            match engine
                .run(&self.workflow.id, Some(&tx_id), ctx.input().clone())
                .await
            {
                Ok(run) => {
                    Ok(StepOutput::new(run.output)
                        .compensate_with(json!({ "transaction_id": tx_id })))
                }
                Err(WorkflowError::Failed { error, .. }) => Err(error),
                Err(e) => Err(StepError::new(e.to_string())),
            }
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let engine = self
                .engine
                .upgrade()
                .ok_or_else(|| StepError::new("workflow engine stopped"))?;
            let tx_id = ctx.data()["transaction_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            engine
                .revert(&self.workflow.id, &tx_id)
                .await
                .map_err(|e| StepError::new(e.to_string()))
        })
    }
}
