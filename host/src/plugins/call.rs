//! Running one call into a plugin: a fresh store (discarded afterwards, so a
//! trap never leaves state behind), a slot under the plugin's concurrency
//! limit, the wall-clock deadline (epoch ticks that yield to the runtime and
//! interrupt past the deadline), and errors that name the plugin, the
//! extension point and the request.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Store, StoreLimitsBuilder, Trap, UpdateDeadline};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

use super::bindings::{Plugin, types};
use super::plugin::LoadedPlugin;
use super::state::{CallState, Role};
use crate::db::Transaction;
use crate::framework::workflows::StagedEvent;

/// Why a call into a plugin failed.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The plugin answered with a domain error (part of the contract).
    #[error("{}", .0.message)]
    Domain(types::Error),
    #[error("plugin {plugin}: {point} exceeded its {limit_ms} ms deadline (request {request_id})")]
    Timeout {
        plugin: String,
        point: String,
        request_id: String,
        limit_ms: u128,
    },
    #[error("plugin {plugin}: {point} failed: {reason} (request {request_id}){stderr}")]
    Trap {
        plugin: String,
        point: String,
        request_id: String,
        reason: String,
        /// The guest's stderr (bounded), prefixed for the message.
        stderr: String,
    },
    #[error("plugin {plugin} is at its limit of {limit} concurrent calls")]
    Busy { plugin: String, limit: usize },
    #[error("plugin {plugin}: {point} cannot start: {reason}")]
    Instantiate {
        plugin: String,
        point: String,
        reason: String,
    },
    #[error("plugin {plugin}: {point} returned an invalid answer: {reason} (request {request_id})")]
    InvalidOutput {
        plugin: String,
        point: String,
        request_id: String,
        reason: String,
    },
}

/// What an export call produced, before classification.
pub type Outcome<T> =
    Result<wasmtime::Result<Result<T, types::Error>>, tokio::time::error::Elapsed>;

/// What a call needs from its caller.
pub struct CallSetup {
    pub role: Role,
    pub request_id: String,
    pub depth: u32,
    pub timeout: Duration,
}

/// A live call: the store and the instance's bindings.
pub struct Call {
    pub store: Store<CallState>,
    pub bindings: Plugin,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

/// What remains of a call once it returned.
pub struct Finished {
    pub tx: Option<Transaction>,
    pub staged: Vec<StagedEvent>,
}

impl LoadedPlugin {
    /// Instantiates the plugin for one call.
    pub async fn begin(&self, setup: CallSetup) -> Result<Call, PluginError> {
        let shared = &self.shared;
        let slot = self
            .slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| PluginError::Busy {
                plugin: shared.name.clone(),
                limit: shared.limits.max_concurrency,
            })?;
        let point = setup.role.to_string();
        let instantiate_error = |reason: String| PluginError::Instantiate {
            plugin: shared.name.clone(),
            point: point.clone(),
            reason,
        };
        let stderr = MemoryOutputPipe::new(shared.limits.max_stderr_bytes.max(1));
        let wasi = wasi_context(shared, stderr.clone()).map_err(instantiate_error)?;
        let limits = StoreLimitsBuilder::new()
            .memory_size(shared.limits.memory_bytes)
            .instances(32)
            .tables(64)
            .memories(8)
            .trap_on_grow_failure(true)
            .build();
        let deadline = Instant::now() + setup.timeout;
        let state = CallState {
            wasi,
            table: wasmtime::component::ResourceTable::new(),
            limits,
            plugin: shared.clone(),
            role: setup.role,
            request_id: setup.request_id,
            tx: None,
            staged: Vec::new(),
            depth: setup.depth,
            stderr,
            deadline,
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            Ok(if Instant::now() >= deadline {
                UpdateDeadline::Interrupt
            } else {
                UpdateDeadline::Yield(1)
            })
        });
        let instance = self
            .pre
            .instantiate_async(&mut store)
            .await
            .map_err(|e| instantiate_error(format!("{e:#}")))?;
        let bindings =
            Plugin::new(&mut store, &instance).map_err(|e| instantiate_error(format!("{e:#}")))?;
        Ok(Call {
            store,
            bindings,
            _slot: slot,
        })
    }
}

impl Call {
    /// Lends the call a transaction (a workflow step's): its data imports
    /// run in it; [`Call::finish`] hands it back.
    pub fn lend(&mut self, tx: Option<Transaction>) {
        self.store.data_mut().tx = tx;
    }

    /// How long to wait for an export at most: the deadline plus a margin. The
    /// epoch interrupts guest code at the deadline; this backstop covers host
    /// awaits the epoch cannot interrupt.
    pub fn backstop(&self) -> Duration {
        let limit = self
            .store
            .data()
            .deadline
            .saturating_duration_since(Instant::now());
        limit + Duration::from_secs(1)
    }

    /// Classifies the outcome of an export call: the value, a domain error,
    /// or a trap or timeout (with the guest's stderr).
    pub fn classify<T>(&self, outcome: Outcome<T>) -> Result<T, PluginError> {
        match outcome {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(domain))) => Err(PluginError::Domain(domain)),
            Ok(Err(trap)) => Err(self.trap_error(&trap)),
            Err(_) => Err(self.timeout_error()),
        }
    }

    fn timeout_error(&self) -> PluginError {
        let state = self.store.data();
        PluginError::Timeout {
            plugin: state.plugin.name.clone(),
            point: state.role.to_string(),
            request_id: state.request_id.clone(),
            limit_ms: state.plugin.limits_for(&state.role).as_millis(),
        }
    }

    fn trap_error(&self, error: &wasmtime::Error) -> PluginError {
        if matches!(error.downcast_ref::<Trap>(), Some(Trap::Interrupt)) {
            return self.timeout_error();
        }
        let state = self.store.data();
        let captured = state.stderr.contents();
        let stderr = String::from_utf8_lossy(&captured).trim().to_owned();
        let reason = match error.downcast_ref::<Trap>() {
            Some(Trap::UnreachableCodeReached) if stderr.contains("panicked") => {
                "the plugin panicked".to_owned()
            }
            Some(trap) => trap.to_string(),
            None => format!("{error:#}"),
        };
        let reason = if reason.contains("forcing trap when growing memory") {
            format!(
                "memory limit of {} MiB exceeded",
                state.plugin.limits.memory_bytes / (1024 * 1024)
            )
        } else {
            reason
        };
        tracing::warn!(
            plugin = %state.plugin.name,
            point = %state.role,
            request_id = %state.request_id,
            %reason,
            stderr = %stderr,
            "plugin call failed"
        );
        PluginError::Trap {
            plugin: state.plugin.name.clone(),
            point: state.role.to_string(),
            request_id: state.request_id.clone(),
            reason,
            stderr: if stderr.is_empty() {
                String::new()
            } else {
                format!("; stderr: {stderr}")
            },
        }
    }

    /// An answer that does not parse or breaks a limit.
    pub fn invalid(&self, reason: impl Into<String>) -> PluginError {
        let state = self.store.data();
        PluginError::InvalidOutput {
            plugin: state.plugin.name.clone(),
            point: state.role.to_string(),
            request_id: state.request_id.clone(),
            reason: reason.into(),
        }
    }

    /// Takes back the transaction and the staged events.
    pub fn finish(mut self) -> Finished {
        let state = self.store.data_mut();
        Finished {
            tx: state.tx.take(),
            staged: std::mem::take(&mut state.staged),
        }
    }
}

/// WASI with nothing in it (no files, env, network, stdin) but what the
/// config grants; stderr is captured for error reports.
fn wasi_context(
    shared: &super::plugin::PluginShared,
    stderr: MemoryOutputPipe,
) -> Result<wasmtime_wasi::WasiCtx, String> {
    let mut builder = WasiCtxBuilder::new();
    builder.stderr(stderr);
    for key in &shared.grants.env {
        if let Ok(value) = std::env::var(key) {
            builder.env(key, value);
        }
    }
    for dir in &shared.granted_dirs {
        let guest = dir
            .file_name()
            .map(|n| format!("/{}", n.to_string_lossy()))
            .unwrap_or_else(|| "/data".into());
        builder
            .preopened_dir(dir, guest, wasmtime_wasi::FsPerms::ReadWrite)
            .map_err(|e| format!("cannot open the granted directory {}: {e}", dir.display()))?;
    }
    Ok(builder.build())
}

impl super::plugin::PluginShared {
    /// The deadline of calls in `role`.
    pub fn limits_for(&self, role: &Role) -> Duration {
        match role {
            Role::Job(_) => self.limits.job_timeout,
            _ => self.limits.timeout,
        }
    }
}

/// Shared handle to a plugin (what adapters hold).
pub type PluginRef = Arc<LoadedPlugin>;
