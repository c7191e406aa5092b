//! How much one plugin call may use: wall-clock time, linear memory, bytes in
//! and out, captured stderr, nested calls and concurrent calls. Defaults suit
//! request handlers; `[plugins.limits]` in `medusa-config.toml` overrides them
//! per plugin.

use std::time::Duration;

use crate::config::PluginLimitsConfig;

/// The limits applied to one plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock deadline of one call (routes, subscribers, steps).
    pub timeout: Duration,
    /// Wall-clock deadline of a scheduled job run.
    pub job_timeout: Duration,
    /// Linear memory of one instance.
    pub memory_bytes: usize,
    /// Largest JSON accepted from the guest or handed to it.
    pub max_payload_bytes: usize,
    /// Guest stderr kept for error reports.
    pub max_stderr_bytes: usize,
    /// Nested host→guest calls (`call-module`, `run-workflow` into a plugin step).
    pub max_depth: u32,
    /// Calls of this plugin running at once; more are refused (503 on routes).
    pub max_concurrency: usize,
}

impl Limits {
    pub fn from_config(config: &PluginLimitsConfig) -> Self {
        Self {
            timeout: Duration::from_millis(config.timeout_ms),
            job_timeout: Duration::from_millis(config.job_timeout_ms),
            memory_bytes: usize::try_from(config.memory_mb)
                .unwrap_or(usize::MAX / (1024 * 1024))
                .saturating_mul(1024 * 1024),
            max_payload_bytes: config.max_payload_kb.saturating_mul(1024),
            max_stderr_bytes: config.max_stderr_kb.saturating_mul(1024),
            max_depth: config.max_depth,
            max_concurrency: config.max_concurrency,
        }
    }
}
