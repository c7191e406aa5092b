//! medusa-rs host: a headless commerce server compatible with Medusa v2 whose
//! extensions run as sandboxed WebAssembly components.
//!
//! The binary `medusa` is [`cli::main`]; everything it does is reachable from
//! this library so that tests can run a host in-process.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod flows;
pub mod framework;
pub mod links;
pub mod modules;
pub mod plugins;
pub mod runtime;
pub mod seed;
pub mod server;
pub mod telemetry;
