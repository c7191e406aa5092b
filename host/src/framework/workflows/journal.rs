//! The execution journal: `workflow_execution` (one row per workflow and
//! transaction id) and `workflow_step` (one row per step, written in the
//! step's own transaction).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::db::table::{Table, now_value};
use crate::db::{ColumnKind as K, Database, DbError, Dialect, Exec};
use sea_query::{InsertStatement, UpdateStatement};

use super::StagedEvent;

pub(super) const EXECUTIONS: Table = Table {
    name: "workflow_execution",
    columns: &[
        ("id", K::Text),
        ("workflow_id", K::Text),
        ("transaction_id", K::Text),
        ("state", K::Text),
        ("input", K::Document),
        ("output", K::Document),
        ("error", K::Document),
        ("heartbeat_at", K::Timestamp),
        ("finished_at", K::Timestamp),
        ("created_at", K::Timestamp),
        ("updated_at", K::Timestamp),
    ],
};

pub(super) const STEPS: Table = Table {
    name: "workflow_step",
    columns: &[
        ("execution_id", K::Text),
        ("step_id", K::Text),
        ("position", K::Integer),
        ("state", K::Text),
        ("attempts", K::Integer),
        ("output", K::Document),
        ("compensate_input", K::Document),
        ("events", K::Document),
        ("error", K::Text),
        ("started_at", K::Timestamp),
        ("ended_at", K::Timestamp),
    ],
};

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecutionState {
    Running,
    /// Every step succeeded; events released.
    Done,
    /// A step failed and every completed step was compensated.
    Reverted,
    /// A step failed and a compensation failed too: needs attention.
    Failed,
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Invoking,
    Done,
    Failed,
    /// The host stopped while the step ran; its transaction was rolled back.
    Interrupted,
    Compensating,
    Compensated,
    CompensationFailed,
}

/// One step's journal entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub step_id: String,
    pub position: i64,
    pub state: StepState,
    pub attempts: i64,
    pub output: Value,
    pub compensate_input: Value,
    pub events: Vec<StagedEvent>,
    pub error: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
}

impl StepRecord {
    pub(super) fn start(step_id: &str, position: i64) -> Self {
        Self {
            step_id: step_id.to_owned(),
            position,
            state: StepState::Invoking,
            attempts: 0,
            output: Value::Null,
            compensate_input: Value::Null,
            events: Vec::new(),
            error: None,
            started_at: now_value().as_str().map(str::to_owned),
            ended_at: None,
        }
    }
}

/// One execution with its steps in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    pub id: String,
    pub workflow_id: String,
    pub transaction_id: String,
    pub state: ExecutionState,
    pub input: Value,
    pub output: Value,
    pub error: Value,
    pub steps: Vec<StepRecord>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

fn state_str<T: Serialize>(state: T) -> Value {
    serde_json::to_value(state).unwrap_or(Value::Null)
}

fn parse<T: for<'de> Deserialize<'de>>(v: Option<&Value>) -> Result<T, DbError> {
    serde_json::from_value(v.cloned().unwrap_or(Value::Null))
        .map_err(|e| DbError::Build(format!("journal row: {e}")))
}

fn execution_row(
    id: &str,
    workflow_id: &str,
    transaction_id: &str,
    input: &Value,
) -> Map<String, Value> {
    json!({
        "id": id, "workflow_id": workflow_id, "transaction_id": transaction_id,
        "state": state_str(ExecutionState::Running), "input": input,
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}

/// Starts an execution with a fresh transaction id inside `exec` (the first
/// step's transaction: the execution and that step commit together); with
/// an `output`, the execution is journaled done (its only step finished it).
pub(super) async fn insert_in(
    exec: &mut Exec<'_>,
    id: &str,
    workflow_id: &str,
    transaction_id: &str,
    input: &Value,
    output: Option<&Value>,
) -> Result<(), DbError> {
    let dialect = exec.dialect();
    let insert = insert_statement(id, workflow_id, transaction_id, input, output, dialect)?;
    exec.execute(&insert).await?;
    Ok(())
}

/// The statement of [`insert_in`], to batch with other writes.
pub(super) fn insert_statement(
    id: &str,
    workflow_id: &str,
    transaction_id: &str,
    input: &Value,
    output: Option<&Value>,
    dialect: Dialect,
) -> Result<InsertStatement, DbError> {
    let mut row = execution_row(id, workflow_id, transaction_id, input);
    if let Some(output) = output {
        row.insert("state".into(), state_str(ExecutionState::Done));
        row.insert("output".into(), output.clone());
        row.insert("finished_at".into(), now_value());
    }
    EXECUTIONS.insert(&row, dialect)
}

/// Starts an execution; returns the existing one when the transaction id was used before.
pub(super) async fn insert(
    db: &Database,
    id: &str,
    workflow_id: &str,
    transaction_id: &str,
    input: &Value,
) -> Result<Option<ExecutionRecord>, DbError> {
    let row = execution_row(id, workflow_id, transaction_id, input);
    match Exec::Db(db)
        .execute(&EXECUTIONS.insert(&row, db.dialect())?)
        .await
    {
        Ok(_) => Ok(None),
        Err(DbError::UniqueViolation { .. }) => load(db, workflow_id, transaction_id).await,
        Err(e) => Err(e),
    }
}

fn step_row(execution_id: &str, step: &StepRecord) -> Map<String, Value> {
    json!({
        "execution_id": execution_id, "step_id": step.step_id, "position": step.position,
        "state": state_str(step.state), "attempts": step.attempts, "output": step.output,
        "compensate_input": step.compensate_input, "events": step.events, "error": step.error,
        "started_at": step.started_at, "ended_at": step.ended_at,
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}

/// Writes a step's entry (inside the step's transaction when given one).
pub(super) async fn save_step(
    exec: &mut Exec<'_>,
    execution_id: &str,
    step: &StepRecord,
) -> Result<(), DbError> {
    save_steps(exec, execution_id, std::slice::from_ref(step)).await
}

/// Writes several steps' entries in one statement (a finished step and the
/// next one starting, in the finished step's transaction).
pub(super) async fn save_steps(
    exec: &mut Exec<'_>,
    execution_id: &str,
    steps: &[StepRecord],
) -> Result<(), DbError> {
    let dialect = exec.dialect();
    exec.execute(&steps_statement(execution_id, steps, dialect)?)
        .await?;
    Ok(())
}

/// The statement of [`save_steps`], to batch with other writes.
pub(super) fn steps_statement(
    execution_id: &str,
    steps: &[StepRecord],
    dialect: Dialect,
) -> Result<InsertStatement, DbError> {
    let rows: Vec<Map<String, Value>> = steps.iter().map(|s| step_row(execution_id, s)).collect();
    STEPS.upsert_many(&rows, &["execution_id", "step_id"], dialect)
}

/// Records the end state of an execution.
pub(super) async fn finish(
    exec: &mut Exec<'_>,
    execution_id: &str,
    state: ExecutionState,
    output: &Value,
    error: &Value,
) -> Result<(), DbError> {
    let dialect = exec.dialect();
    exec.execute(&finish_statement(
        execution_id,
        state,
        output,
        error,
        dialect,
    )?)
    .await?;
    Ok(())
}

/// The statement of [`finish`], to batch with other writes.
pub(super) fn finish_statement(
    execution_id: &str,
    state: ExecutionState,
    output: &Value,
    error: &Value,
    dialect: Dialect,
) -> Result<UpdateStatement, DbError> {
    let set: Map<String, Value> = json!({
        "state": state_str(state), "output": output, "error": error,
        "finished_at": now_value(), "updated_at": now_value(),
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    let mut update = EXECUTIONS.update(&set, dialect)?;
    update.and_where(EXECUTIONS.col("id").eq(execution_id));
    Ok(update)
}

/// [`finish_statement`] for an execution done with `output`.
pub(super) fn done_statement(
    execution_id: &str,
    output: &Value,
    dialect: Dialect,
) -> Result<UpdateStatement, DbError> {
    finish_statement(
        execution_id,
        ExecutionState::Done,
        output,
        &Value::Null,
        dialect,
    )
}

/// Marks an execution alive.
pub(super) async fn heartbeat(db: &Database, execution_id: &str) -> Result<(), DbError> {
    let set: Map<String, Value> = [("heartbeat_at".to_owned(), now_value())]
        .into_iter()
        .collect();
    let mut update = EXECUTIONS.update(&set, db.dialect())?;
    update.and_where(EXECUTIONS.col("id").eq(execution_id));
    Exec::Db(db).execute(&update).await?;
    Ok(())
}

async fn with_steps(
    db: &Database,
    rows: Vec<Map<String, Value>>,
) -> Result<Vec<ExecutionRecord>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = parse(row.get("id"))?;
        let mut select = STEPS.select();
        select
            .and_where(STEPS.col("execution_id").eq(id.clone()))
            .order_by(
                (
                    sea_query::Alias::new(STEPS.name),
                    sea_query::Alias::new("position"),
                ),
                sea_query::Order::Asc,
            );
        let step_rows = Exec::Db(db).fetch(&select, &STEPS.specs()).await?;
        let steps = step_rows
            .iter()
            .map(|s| {
                Ok(StepRecord {
                    step_id: parse(s.get("step_id"))?,
                    position: parse(s.get("position"))?,
                    state: parse(s.get("state"))?,
                    attempts: parse(s.get("attempts"))?,
                    output: s.get("output").cloned().unwrap_or(Value::Null),
                    compensate_input: s.get("compensate_input").cloned().unwrap_or(Value::Null),
                    events: parse::<Option<Vec<StagedEvent>>>(s.get("events"))?.unwrap_or_default(),
                    error: parse(s.get("error"))?,
                    started_at: parse(s.get("started_at"))?,
                    ended_at: parse(s.get("ended_at"))?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        out.push(ExecutionRecord {
            id,
            workflow_id: parse(row.get("workflow_id"))?,
            transaction_id: parse(row.get("transaction_id"))?,
            state: parse(row.get("state"))?,
            input: row.get("input").cloned().unwrap_or(Value::Null),
            output: row.get("output").cloned().unwrap_or(Value::Null),
            error: row.get("error").cloned().unwrap_or(Value::Null),
            steps,
            created_at: parse(row.get("created_at"))?,
            finished_at: parse(row.get("finished_at"))?,
        });
    }
    Ok(out)
}

/// The execution of `workflow_id` under `transaction_id`, if any.
pub async fn load(
    db: &Database,
    workflow_id: &str,
    transaction_id: &str,
) -> Result<Option<ExecutionRecord>, DbError> {
    let mut select = EXECUTIONS.select();
    select
        .and_where(EXECUTIONS.col("workflow_id").eq(workflow_id))
        .and_where(EXECUTIONS.col("transaction_id").eq(transaction_id));
    let rows = Exec::Db(db).fetch(&select, &EXECUTIONS.specs()).await?;
    Ok(with_steps(db, rows).await?.into_iter().next())
}

/// Running executions whose heartbeat is older than `before`.
pub(super) async fn stale(db: &Database, before: &Value) -> Result<Vec<ExecutionRecord>, DbError> {
    let dialect = db.dialect();
    let before = crate::db::codec::encode(before, K::Timestamp, dialect)
        .map_err(|e| DbError::Build(e.to_string()))?;
    let mut select = EXECUTIONS.select();
    select
        .and_where(
            EXECUTIONS
                .col("state")
                .eq(state_str(ExecutionState::Running)
                    .as_str()
                    .unwrap_or("running")),
        )
        .and_where(EXECUTIONS.col("heartbeat_at").lte(before));
    let rows = Exec::Db(db).fetch(&select, &EXECUTIONS.specs()).await?;
    with_steps(db, rows).await
}

/// Deletes finished executions older than `before` (their steps go with them).
pub(super) async fn purge(db: &Database, before: &Value) -> Result<u64, DbError> {
    let dialect = db.dialect();
    let before = crate::db::codec::encode(before, K::Timestamp, dialect)
        .map_err(|e| DbError::Build(e.to_string()))?;
    let mut ids = sea_query::Query::select();
    ids.column(sea_query::Alias::new("id"))
        .from(sea_query::Alias::new(EXECUTIONS.name))
        .and_where(EXECUTIONS.col("finished_at").lte(before));
    let mut steps = sea_query::Query::delete();
    steps
        .from_table(sea_query::Alias::new(STEPS.name))
        .and_where(STEPS.col("execution_id").in_subquery(ids.clone()));
    let mut exec = Exec::Db(db);
    exec.execute(&steps).await?;
    let mut execs = sea_query::Query::delete();
    execs
        .from_table(sea_query::Alias::new(EXECUTIONS.name))
        .and_where(EXECUTIONS.col("id").in_subquery(ids));
    exec.execute(&execs).await
}
