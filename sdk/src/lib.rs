//! `medusa-sdk`: write medusa-rs plugins in plain Rust. A plugin is a type
//! implementing [`Plugin`], exported with [`plugin!`], and built for
//! `wasm32-wasip2` as a `cdylib`:
//!
//! ```no_run
//! use medusa_sdk::prelude::*;
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn manifest() -> Manifest {
//!         Manifest::new("hello", "0.1.0").route(Method::Get, "/store/hello")
//!     }
//!
//!     fn route(request: Request) -> Result<Response> {
//!         Response::ok(json!({ "hello": request.customer_id().unwrap_or("guest") }))
//!     }
//! }
//!
//! medusa_sdk::plugin!(Hello);
//! ```
//!
//! The host calls [`Plugin::manifest`] once at load, then one of the other
//! methods per request, event, step, job or service call, each in a fresh
//! sandboxed instance. See `docs/plugins.md` for the whole guide.

#[doc(hidden)]
pub mod bindings;
mod error;
mod host;
mod http;
mod manifest;
pub mod outbound;

pub use error::{Error, ErrorKind, Result};
pub use host::{
    call_module, data, dismiss, emit, link, log, options, query, query_page, record, run_workflow,
};
pub use http::{Actor, Request, Response};
pub use manifest::{Link, LinkEnd, Manifest, Method, Model, Module, Step};
pub use serde_json::{Value, json};

/// The WIT package plugins are built against.
pub const WIT_PACKAGE: &str = "medusa:plugin@0.1.0";

/// Everything a plugin usually needs.
pub mod prelude {
    pub use crate::{
        Actor, Error, ErrorKind, Link, LinkEnd, Manifest, Method, Model, Module, Plugin, Request,
        Response, Result, Step, StepOutput, Value, data, json, outbound,
    };
}

/// What a workflow step returns: its output, and what its compensation will
/// need if a later step fails.
#[derive(Debug, Clone, Default)]
pub struct StepOutput {
    pub output: Value,
    pub compensate_input: Value,
}

impl StepOutput {
    pub fn new(output: Value) -> Self {
        Self {
            output,
            compensate_input: Value::Null,
        }
    }
    pub fn compensate_with(mut self, data: Value) -> Self {
        self.compensate_input = data;
        self
    }
}

/// A plugin. Only [`Plugin::manifest`] is required; the other methods serve
/// what the manifest declares.
pub trait Plugin {
    /// What the plugin provides and requests.
    fn manifest() -> Manifest;

    /// Handles a declared route (`request.route` says which).
    fn route(request: Request) -> Result<Response> {
        Err(Error::not_found(format!(
            "no handler for {}",
            request.route
        )))
    }

    /// Handles an event for a declared subscriber.
    fn event(subscriber: &str, name: &str, data: Value) -> Result<()> {
        let _ = (subscriber, name, data);
        Ok(())
    }

    /// Runs a workflow step. `previous` holds earlier steps' outputs by id.
    fn step(workflow: &str, step: &str, input: Value, previous: Value) -> Result<StepOutput> {
        let _ = (input, previous);
        Err(Error::not_found(format!("no step {workflow}/{step}")))
    }

    /// Undoes a step that completed before a later one failed.
    fn compensate(workflow: &str, step: &str, data: Value) -> Result<()> {
        let _ = (workflow, step, data);
        Ok(())
    }

    /// Runs a scheduled job.
    fn job(name: &str) -> Result<()> {
        Err(Error::not_found(format!("no job {name}")))
    }

    /// A service method of one of the plugin's modules (it reaches only that module).
    fn service(module: &str, method: &str, args: Value) -> Result<Value> {
        let _ = args;
        Err(Error::not_found(format!("no method {module}.{method}")))
    }
}

#[doc(hidden)]
pub mod __private {
    use super::*;
    use crate::bindings::medusa::plugin::types as wit;

    fn parse(text: &str) -> Result<Value> {
        if text.is_empty() {
            return Ok(Value::Null);
        }
        Ok(serde_json::from_str(text)?)
    }

    pub fn manifest<P: Plugin>() -> wit::PluginManifest {
        P::manifest().into_wit()
    }

    pub fn route<P: Plugin>(request: wit::Request) -> Result<wit::Response, wit::Error> {
        let request = Request::from_wit(request)?;
        Ok(P::route(request)?.into_wit())
    }

    pub fn event<P: Plugin>(
        subscriber: String,
        name: String,
        data: String,
    ) -> Result<(), wit::Error> {
        Ok(P::event(&subscriber, &name, parse(&data)?)?)
    }

    pub fn step<P: Plugin>(
        workflow: String,
        step: String,
        input: String,
        previous: String,
    ) -> Result<wit::StepOutput, wit::Error> {
        let out = P::step(&workflow, &step, parse(&input)?, parse(&previous)?)?;
        Ok(wit::StepOutput {
            output: out.output.to_string(),
            compensate_input: out.compensate_input.to_string(),
        })
    }

    pub fn compensate<P: Plugin>(
        workflow: String,
        step: String,
        data: String,
    ) -> Result<(), wit::Error> {
        Ok(P::compensate(&workflow, &step, parse(&data)?)?)
    }

    pub fn job<P: Plugin>(name: String) -> Result<(), wit::Error> {
        Ok(P::job(&name)?)
    }

    pub fn service<P: Plugin>(
        module: String,
        method: String,
        args: String,
    ) -> Result<String, wit::Error> {
        Ok(P::service(&module, &method, parse(&args)?)?.to_string())
    }
}

/// Exports a [`Plugin`] as the component's `guest` interface.
#[macro_export]
macro_rules! plugin {
    ($plugin:ty) => {
        const _: () = {
            use $crate::bindings::exports::medusa::plugin::guest::Guest;
            use $crate::bindings::medusa::plugin::types as wit;

            struct __MedusaGuest;

            impl Guest for __MedusaGuest {
                fn manifest() -> wit::PluginManifest {
                    $crate::__private::manifest::<$plugin>()
                }
                fn handle_route(request: wit::Request) -> Result<wit::Response, wit::Error> {
                    $crate::__private::route::<$plugin>(request)
                }
                fn handle_event(
                    subscriber: String,
                    name: String,
                    data: String,
                ) -> Result<(), wit::Error> {
                    $crate::__private::event::<$plugin>(subscriber, name, data)
                }
                fn invoke_step(
                    workflow: String,
                    step: String,
                    input: String,
                    previous: String,
                ) -> Result<wit::StepOutput, wit::Error> {
                    $crate::__private::step::<$plugin>(workflow, step, input, previous)
                }
                fn compensate_step(
                    workflow: String,
                    step: String,
                    data: String,
                ) -> Result<(), wit::Error> {
                    $crate::__private::compensate::<$plugin>(workflow, step, data)
                }
                fn run_job(name: String) -> Result<(), wit::Error> {
                    $crate::__private::job::<$plugin>(name)
                }
                fn call_service(
                    module: String,
                    method: String,
                    args: String,
                ) -> Result<String, wit::Error> {
                    $crate::__private::service::<$plugin>(module, method, args)
                }
            }

    $crate::bindings::__export_plugin_guest!(__MedusaGuest with_types_in $crate::bindings);
        };
    };
}
