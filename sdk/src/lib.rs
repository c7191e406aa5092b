//! `medusa-sdk`: the guest-side Rust API for writing medusa-rs plugins as
//! WebAssembly components.
//!
//! The plugin runtime and its WIT contract (`wit/`) are not built yet; this
//! crate will wrap the generated bindings once they are. Until then it only
//! names the contract version plugins will be built against.

/// The WIT package plugins are built against.
pub const WIT_PACKAGE: &str = "medusa:plugin@0.1.0";
