//! Typed wrappers over the guest exports: each makes a fresh instance, runs
//! one export under the plugin's limits and checks what comes back.

use std::time::Duration;

use serde_json::Value;

use super::bindings::types;
use super::call::{CallSetup, Finished, PluginError};
use super::plugin::LoadedPlugin;
use super::state::Role;
use crate::db::Transaction;

/// A route's answer.
pub struct RouteAnswer {
    pub status: u16,
    pub body: Value,
}

/// A step's answer, with the transaction handed back and its staged events.
pub struct StepAnswer {
    pub output: Value,
    pub compensate_input: Value,
    pub finished: Finished,
}

/// Waits for an export at most `backstop` (see [`super::call::Call::backstop`]).
async fn guarded<T>(
    backstop: std::time::Duration,
    call: impl std::future::Future<Output = T>,
) -> Result<T, tokio::time::error::Elapsed> {
    tokio::time::timeout(backstop, call).await
}

impl LoadedPlugin {
    /// [`LoadedPlugin::begin`], then lends the call `tx`; on failure `tx`
    /// comes back untouched (the caller's workflow still owns it).
    async fn begin_lending(
        &self,
        setup: CallSetup,
        tx: Option<Transaction>,
    ) -> Result<super::call::Call, (PluginError, Option<Transaction>)> {
        match self.begin(setup).await {
            Ok(mut call) => {
                call.lend(tx);
                Ok(call)
            }
            Err(e) => Err((e, tx)),
        }
    }

    fn setup(&self, role: Role, request_id: &str, depth: u32) -> CallSetup {
        let timeout = self.shared.limits_for(&role);
        CallSetup {
            role,
            request_id: request_id.to_owned(),
            depth,
            timeout,
        }
    }

    /// Parses a JSON answer within the payload limit.
    fn parse_answer(&self, call: &super::call::Call, raw: &str) -> Result<Value, PluginError> {
        if raw.len() > self.shared.limits.max_payload_bytes {
            return Err(call.invalid(format!(
                "{} bytes, over the payload limit of {}",
                raw.len(),
                self.shared.limits.max_payload_bytes
            )));
        }
        serde_json::from_str(raw).map_err(|e| call.invalid(format!("not JSON: {e}")))
    }

    /// Calls `manifest` (at load; a short fixed deadline).
    pub async fn call_manifest(&self) -> Result<types::PluginManifest, PluginError> {
        let mut setup = self.setup(Role::Manifest, "load", 0);
        setup.timeout =
            Duration::from_secs(5).min(self.shared.limits.timeout.max(Duration::from_millis(500)));
        let mut call = self.begin(setup).await?;
        let guest = call.bindings.medusa_plugin_guest().clone();
        let outcome = guarded(call.backstop(), async {
            guest.call_manifest(&mut call.store).await.map(Ok)
        })
        .await;
        call.classify(outcome)
    }

    /// Handles an HTTP request.
    pub async fn call_route(&self, request: types::Request) -> Result<RouteAnswer, PluginError> {
        let setup = self.setup(
            Role::Route(request.route.clone()),
            &request.request_id.clone(),
            0,
        );
        let mut call = self.begin(setup).await?;
        let guest = call.bindings.medusa_plugin_guest().clone();
        let outcome = guarded(
            call.backstop(),
            guest.call_handle_route(&mut call.store, &request),
        )
        .await;
        let answer = call.classify(outcome)?;
        let body = self.parse_answer(&call, &answer.body)?;
        if !(200..=599).contains(&answer.status) {
            return Err(call.invalid(format!("status {} is not an HTTP status", answer.status)));
        }
        Ok(RouteAnswer {
            status: answer.status,
            body,
        })
    }

    /// A `GET` of `route` with no parameters, body or actor: what the
    /// benchmarks call to time the plugin boundary itself.
    pub async fn call_route_get(&self, route: &str) -> Result<RouteAnswer, PluginError> {
        self.call_route(types::Request {
            method: types::HttpMethod::Get,
            route: route.to_owned(),
            path: route.to_owned(),
            params: Vec::new(),
            query: Vec::new(),
            body: None,
            actor: None,
            sales_channel_ids: Vec::new(),
            request_id: "bench".to_owned(),
        })
        .await
    }

    /// Delivers an event to one of the plugin's subscribers.
    pub async fn call_event(
        &self,
        subscriber: &str,
        name: &str,
        data: &Value,
        event_id: &str,
    ) -> Result<(), PluginError> {
        let setup = self.setup(Role::Subscriber(subscriber.to_owned()), event_id, 0);
        let mut call = self.begin(setup).await?;
        let guest = call.bindings.medusa_plugin_guest().clone();
        let data = data.to_string();
        let outcome = guarded(
            call.backstop(),
            guest.call_handle_event(&mut call.store, subscriber, name, &data),
        )
        .await;
        call.classify(outcome)
    }

    /// Invokes a workflow step inside the step's transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn call_step(
        &self,
        workflow: &str,
        step: &str,
        input: &Value,
        previous: &Value,
        tx: Option<Transaction>,
        transaction_id: &str,
        depth: u32,
    ) -> (Result<(Value, Value), PluginError>, Finished) {
        let setup = self.setup(
            Role::Step(format!("{workflow}/{step}")),
            transaction_id,
            depth,
        );
        let mut call = match self.begin_lending(setup, tx).await {
            Ok(call) => call,
            Err((e, tx)) => {
                let staged = Vec::new();
                return (Err(e), Finished { tx, staged });
            }
        };
        let guest = call.bindings.medusa_plugin_guest().clone();
        let (input, previous) = (input.to_string(), previous.to_string());
        let outcome = guarded(
            call.backstop(),
            guest.call_invoke_step(&mut call.store, workflow, step, &input, &previous),
        )
        .await;
        let outcome = call.classify(outcome);
        let parsed = outcome.and_then(|out| {
            let output = self.parse_answer(&call, &out.output)?;
            let compensate = if out.compensate_input.trim().is_empty() {
                Value::Null
            } else {
                self.parse_answer(&call, &out.compensate_input)?
            };
            Ok((output, compensate))
        });
        (parsed, call.finish())
    }

    /// Runs a step's compensation.
    pub async fn call_compensation(
        &self,
        workflow: &str,
        step: &str,
        data: &Value,
        tx: Option<Transaction>,
        transaction_id: &str,
    ) -> (Result<(), PluginError>, Finished) {
        let setup = self.setup(
            Role::Compensation(format!("{workflow}/{step}")),
            transaction_id,
            super::depth::current(),
        );
        let mut call = match self.begin_lending(setup, tx).await {
            Ok(call) => call,
            Err((e, tx)) => {
                let staged = Vec::new();
                return (Err(e), Finished { tx, staged });
            }
        };
        let guest = call.bindings.medusa_plugin_guest().clone();
        let data = data.to_string();
        let outcome = guarded(
            call.backstop(),
            guest.call_compensate_step(&mut call.store, workflow, step, &data),
        )
        .await;
        let outcome = call.classify(outcome);
        (outcome, call.finish())
    }

    /// Runs a scheduled job.
    pub async fn call_job(&self, name: &str, run_id: &str) -> Result<(), PluginError> {
        let setup = self.setup(Role::Job(name.to_owned()), run_id, 0);
        let mut call = self.begin(setup).await?;
        let guest = call.bindings.medusa_plugin_guest().clone();
        let outcome = guarded(call.backstop(), guest.call_run_job(&mut call.store, name)).await;
        call.classify(outcome)
    }

    /// Calls a service method of one of the plugin's modules, running as it,
    /// inside the caller's transaction when it has one (handed back after).
    pub async fn call_service(
        &self,
        module: &str,
        method: &str,
        args: &str,
        request_id: &str,
        depth: u32,
        tx: Option<Transaction>,
    ) -> (Result<String, PluginError>, Option<Transaction>) {
        let declared = self
            .manifest
            .methods
            .get(module)
            .is_some_and(|methods| methods.contains(method));
        if !declared {
            let error = PluginError::Domain(types::Error {
                kind: types::ErrorKind::NotFound,
                message: format!("module {module} has no service method {method}"),
                code: None,
            });
            return (Err(error), tx);
        }
        let setup = self.setup(Role::Service(module.to_owned()), request_id, depth);
        let mut call = match self.begin_lending(setup, tx).await {
            Ok(call) => call,
            Err((e, tx)) => return (Err(e), tx),
        };
        let guest = call.bindings.medusa_plugin_guest().clone();
        let args = args.to_owned();
        let outcome = guarded(
            call.backstop(),
            guest.call_call_service(&mut call.store, module, method, &args),
        )
        .await;
        let result = call
            .classify(outcome)
            .and_then(|out| self.parse_answer(&call, &out).map(|_| out));
        (result, call.finish().tx)
    }
}
