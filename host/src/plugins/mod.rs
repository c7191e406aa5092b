//! The WebAssembly plugin runtime: plugins are components built against
//! `wit/plugin.wit`, loaded from `medusa-config.toml`, and run in a sandbox
//! with bounded time, memory and reach.
//!
//! - [`engine`]: the wasmtime engine (pooling allocator, epoch deadlines,
//!   on-disk compile cache).
//! - [`host`]: loading plugins and wiring them into the registry and runtime.
//! - [`call`] and [`exports`]: one call into a plugin, its limits and errors.
//! - [`host_api`]: the imports a plugin may use, checked per call;
//!   [`outbound`]: its HTTP requests to granted hosts.
//! - [`routes`]: plugin routes on the HTTP router.

mod adapters;
mod bindings;
pub mod build;
pub mod call;
mod depth;
pub mod engine;
pub mod exports;
pub mod host;
mod host_api;
pub mod inspect;
pub mod limits;
pub mod manifest;
mod outbound;
pub mod plugin;
pub mod routes;
mod state;

pub use call::PluginError;
pub use host::{PluginHost, PluginLoadError};
pub use manifest::{Manifest, RouteScope};
