//! What a step sees while it runs: the workflow input, earlier results, its
//! transaction, and a way to emit events that are only delivered if the
//! whole workflow succeeds.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::db::{Database, Exec, Transaction, Write};
use crate::framework::events::Audience;
use crate::framework::modules::Registry;
use crate::framework::query::Query;

/// Everything steps may reach.
#[derive(Clone)]
pub struct WorkflowEnv {
    pub db: Database,
    pub registry: Arc<Registry>,
    pub query: Query,
    /// Who handles the events steps emit; without one every event waits
    /// for the dispatcher.
    pub audience: Option<Arc<dyn Audience>>,
    /// Whether workflows marked [`relaxed_commit`] may commit without
    /// waiting for the disk (`[database] durable_cart_edits = false`).
    ///
    /// [`relaxed_commit`]: super::WorkflowDef::relaxed_commit
    pub relaxed_commits: bool,
}

impl WorkflowEnv {
    pub fn new(db: Database, registry: Arc<Registry>) -> Self {
        let query = Query::new(registry.clone());
        Self {
            db,
            registry,
            query,
            audience: None,
            relaxed_commits: false,
        }
    }

    /// The same environment, letting workflows marked
    /// [`relaxed_commit`](super::WorkflowDef::relaxed_commit) commit without
    /// waiting for the disk.
    pub fn with_relaxed_commits(mut self, relaxed: bool) -> Self {
        self.relaxed_commits = relaxed;
        self
    }

    /// A transaction for a step of `def`.
    pub(super) async fn begin_for(
        &self,
        def: &super::WorkflowDef,
    ) -> Result<Transaction, crate::db::DbError> {
        if self.relaxed_commits && def.relaxed_commit {
            self.db.begin_relaxed().await
        } else {
            self.db.begin().await
        }
    }

    /// The same environment, releasing events for `audience`.
    pub fn with_audience(mut self, audience: Arc<dyn Audience>) -> Self {
        self.audience = Some(audience);
        self
    }

    /// Whether an event named `name` has someone to handle it.
    pub fn hears(&self, name: &str) -> bool {
        self.audience.as_ref().is_none_or(|a| a.hears(name))
    }

    /// The outbox write releasing `events` (each pending when someone
    /// hears it, else already dispatched); `None` without events.
    pub(super) fn release<'e>(
        &self,
        events: impl IntoIterator<Item = &'e StagedEvent>,
    ) -> Result<Option<sea_query::InsertStatement>, crate::db::DbError> {
        let events: Vec<(&str, &Value, bool)> = events
            .into_iter()
            .map(|e| (e.name.as_str(), &e.data, self.hears(&e.name)))
            .collect();
        crate::framework::events::outbox::insert_many(&events, self.db.dialect())
    }

    /// How many of `events` have someone to handle them (the dispatcher
    /// needs waking only for those).
    pub fn heard<'e>(&self, events: impl IntoIterator<Item = &'e StagedEvent>) -> usize {
        events.into_iter().filter(|e| self.hears(&e.name)).count()
    }
}

/// An event emitted by a step, held until the workflow finishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedEvent {
    pub name: String,
    pub data: Value,
}

/// The context of one step invocation.
pub struct StepContext {
    pub(super) workflow_id: Arc<str>,
    pub(super) transaction_id: Arc<str>,
    pub(super) step_id: Arc<str>,
    pub(super) input: Arc<Value>,
    pub(super) results: Arc<Map<String, Value>>,
    pub(super) attempt: u32,
    pub(super) env: Arc<WorkflowEnv>,
    pub(super) tx: Option<Transaction>,
    pub(super) events: Vec<StagedEvent>,
    /// Writes to send with the step's journal entry (see [`Self::write_with_journal`]).
    pub(super) with_journal: Vec<Write>,
}

impl StepContext {
    pub fn workflow_id(&self) -> &str {
        &self.workflow_id
    }
    pub fn transaction_id(&self) -> &str {
        &self.transaction_id
    }
    pub fn step_id(&self) -> &str {
        &self.step_id
    }
    /// The step's input (the workflow input, or what its mapper made of it).
    pub fn input(&self) -> &Value {
        &self.input
    }
    /// The output of an earlier step, by step id.
    pub fn result(&self, step_id: &str) -> Option<&Value> {
        self.results.get(step_id)
    }
    /// 1 on the first attempt.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
    /// What steps may reach (cheap to clone out, so it can be used while the
    /// transaction is borrowed).
    pub fn env(&self) -> Arc<WorkflowEnv> {
        self.env.clone()
    }
    /// Queues `writes` to go with the step's journal entry when the step
    /// (a whole chain, for its links) ends well: one statement with it on
    /// PostgreSQL, one round trip less per batch. Nothing later in the step
    /// sees them, and a failing one fails the step as a whole, after its
    /// handler returned: meant for the last writes of a step.
    pub fn write_with_journal(&mut self, writes: Vec<Write>) {
        self.with_journal.extend(writes);
    }
    /// The step's transaction: committed with its journal entry, rolled back
    /// on failure (the pool itself for non-transactional steps).
    pub fn exec(&mut self) -> Exec<'_> {
        match &mut self.tx {
            Some(tx) => Exec::Tx(tx),
            None => Exec::Db(&self.env.db),
        }
    }
    /// Every earlier step's output, by step id.
    pub fn results(&self) -> &Map<String, Value> {
        &self.results
    }
    /// Lends the step's transaction out (to code that must own it while it
    /// runs, such as a plugin call); give it back with [`Self::restore_transaction`].
    pub fn take_transaction(&mut self) -> Option<Transaction> {
        self.tx.take()
    }
    pub fn restore_transaction(&mut self, tx: Option<Transaction>) {
        self.tx = tx;
    }
    /// Stages an event: delivered only if the workflow completes.
    pub fn emit(&mut self, name: &str, data: Value) {
        self.events.push(StagedEvent {
            name: name.to_owned(),
            data,
        });
    }
}

/// The context of one compensation.
pub struct CompensateContext {
    pub(super) transaction_id: Arc<str>,
    pub(super) step_id: Arc<str>,
    pub(super) data: Value,
    pub(super) env: Arc<WorkflowEnv>,
    pub(super) tx: Option<Transaction>,
}

impl CompensateContext {
    pub fn transaction_id(&self) -> &str {
        &self.transaction_id
    }
    pub fn step_id(&self) -> &str {
        &self.step_id
    }
    /// What the invoke handed over for its compensation.
    pub fn data(&self) -> &Value {
        &self.data
    }
    pub fn env(&self) -> Arc<WorkflowEnv> {
        self.env.clone()
    }
    pub fn exec(&mut self) -> Exec<'_> {
        match &mut self.tx {
            Some(tx) => Exec::Tx(tx),
            None => Exec::Db(&self.env.db),
        }
    }
    /// See [`StepContext::take_transaction`].
    pub fn take_transaction(&mut self) -> Option<Transaction> {
        self.tx.take()
    }
    pub fn restore_transaction(&mut self, tx: Option<Transaction>) {
        self.tx = tx;
    }
}
