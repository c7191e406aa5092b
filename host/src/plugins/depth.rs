//! How deep the current task is in nested plugin calls: a workflow started by
//! a plugin runs its plugin steps one level deeper, so chains of calls stay
//! bounded by `max_depth`.

tokio::task_local! {
    pub static CALL_DEPTH: u32;
}

/// The depth of the current task (0 outside any plugin call).
pub fn current() -> u32 {
    CALL_DEPTH.try_with(|d| *d).unwrap_or(0)
}
