//! Composing a workflow: steps in sequence, groups in parallel, nested
//! workflows and named hooks.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::StepHandler;

/// Makes a step's (or nested workflow's) input from the workflow input and
/// the results so far.
pub type InputMapper = Arc<dyn Fn(&Value, &Map<String, Value>) -> Value + Send + Sync>;

/// One step of a workflow.
#[derive(Clone)]
pub struct StepDef {
    pub id: String,
    pub handler: Arc<dyn StepHandler>,
    pub input: Option<InputMapper>,
    /// Extra attempts after the first failure.
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further one.
    pub backoff: Duration,
    pub timeout: Option<Duration>,
}

impl StepDef {
    pub fn new(id: &str, handler: Arc<dyn StepHandler>) -> Self {
        Self {
            id: id.to_owned(),
            handler,
            input: None,
            max_retries: 0,
            backoff: Duration::from_millis(100),
            timeout: None,
        }
    }

    /// A step from plain functions.
    pub fn func(
        id: &str,
        invoke: super::step::InvokeFn,
        compensate: Option<super::step::CompensateFn>,
    ) -> Self {
        Self::new(id, Arc::new(super::step::FnStep { invoke, compensate }))
    }

    /// `links` run as one step `id`, in one transaction (see [`super::Chain`]).
    pub fn chain(id: &str, links: Vec<StepDef>) -> Self {
        Self::new(id, Arc::new(super::Chain::new(links)))
    }

    pub fn retries(mut self, max_retries: u32, backoff: Duration) -> Self {
        self.max_retries = max_retries;
        self.backoff = backoff;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Computes the step input from the workflow input and earlier results.
    pub fn input(
        mut self,
        mapper: impl Fn(&Value, &Map<String, Value>) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.input = Some(Arc::new(mapper));
        self
    }
}

/// A node of the workflow graph.
#[derive(Clone)]
pub enum Node {
    Step(StepDef),
    /// Steps that run at the same time; the workflow goes on when all are done.
    Parallel(Vec<StepDef>),
    /// Another workflow, run (and journaled) as one step of this one.
    Workflow {
        id: String,
        workflow: Arc<WorkflowDef>,
        input: Option<InputMapper>,
    },
    /// A named point where registered handlers run as steps.
    Hook(String),
}

/// A workflow: an id and its nodes, run in order.
#[derive(Clone)]
pub struct WorkflowDef {
    pub id: String,
    pub nodes: Vec<Node>,
    /// The step whose output is the workflow's result (default: the last one).
    pub result_step: Option<String>,
    /// Its transactions may commit without waiting for the disk (see
    /// [`WorkflowDef::relaxed_commit`]).
    pub relaxed_commit: bool,
}

impl WorkflowDef {
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            nodes: Vec::new(),
            result_step: None,
            relaxed_commit: false,
        }
    }

    pub fn step(mut self, step: StepDef) -> Self {
        self.nodes.push(Node::Step(step));
        self
    }

    pub fn parallel(mut self, steps: Vec<StepDef>) -> Self {
        self.nodes.push(Node::Parallel(steps));
        self
    }

    pub fn workflow(
        mut self,
        id: &str,
        workflow: Arc<WorkflowDef>,
        input: Option<InputMapper>,
    ) -> Self {
        self.nodes.push(Node::Workflow {
            id: id.to_owned(),
            workflow,
            input,
        });
        self
    }

    pub fn hook(mut self, name: &str) -> Self {
        self.nodes.push(Node::Hook(name.to_owned()));
        self
    }

    /// Lets the runs' transactions commit without waiting for the database
    /// to flush them to disk, where the host allows it
    /// ([`WorkflowEnv::relaxed_commits`]): for writes a customer simply
    /// makes again if a database crash loses them, never for orders,
    /// payments or accounts. Each run stays all or nothing.
    ///
    /// [`WorkflowEnv::relaxed_commits`]: super::WorkflowEnv::relaxed_commits
    pub fn relaxed_commit(mut self) -> Self {
        self.relaxed_commit = true;
        self
    }

    pub fn returns(mut self, step_id: &str) -> Self {
        self.result_step = Some(step_id.to_owned());
        self
    }

    /// Every step definition, in order (parallel groups flattened).
    pub fn steps(&self) -> impl Iterator<Item = &StepDef> {
        self.nodes.iter().flat_map(|n| match n {
            Node::Step(s) => std::slice::from_ref(s).iter(),
            Node::Parallel(list) => list.iter(),
            Node::Workflow { .. } | Node::Hook(_) => [].iter(),
        })
    }
}
