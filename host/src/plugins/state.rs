//! The data of one plugin call's store: who is calling (plugin, extension
//! point, module), its WASI context (empty unless granted), its memory
//! limits, the workflow transaction it runs in, and what it produced on the
//! side (staged events, stderr).

use std::sync::Arc;
use std::time::Instant;

use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::plugin::PluginShared;
use crate::db::Transaction;
use crate::framework::workflows::StagedEvent;

/// The extension point a call runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Manifest,
    Route(String),
    Subscriber(String),
    Step(String),
    Compensation(String),
    Job(String),
    /// A service method: the call runs *as* this module and reaches only it.
    Service(String),
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Manifest => write!(f, "manifest"),
            Self::Route(r) => write!(f, "route {r}"),
            Self::Subscriber(s) => write!(f, "subscriber {s}"),
            Self::Step(s) => write!(f, "step {s}"),
            Self::Compensation(s) => write!(f, "compensation of step {s}"),
            Self::Job(j) => write!(f, "job {j}"),
            Self::Service(m) => write!(f, "service of module {m}"),
        }
    }
}

/// Store data of one call.
pub struct CallState {
    pub(super) wasi: WasiCtx,
    pub(super) table: ResourceTable,
    pub(super) limits: StoreLimits,
    pub(super) plugin: Arc<PluginShared>,
    pub(super) role: Role,
    pub(super) request_id: String,
    /// The workflow step's transaction, lent for the call.
    pub(super) tx: Option<Transaction>,
    /// Events emitted by a step, delivered if its workflow succeeds.
    pub(super) staged: Vec<StagedEvent>,
    /// Nesting: 0 for a call from the host itself.
    pub(super) depth: u32,
    pub(super) stderr: MemoryOutputPipe,
    pub(super) deadline: Instant,
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
