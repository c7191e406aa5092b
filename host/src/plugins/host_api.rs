//! The host imports (`medusa:plugin/host`) as seen by one call. Every call is
//! checked against the calling plugin, the extension point it runs in and its
//! grants: code running as a module's service reaches only that module;
//! routes, subscribers, steps and jobs reach their plugin's modules and the
//! granted ones. Refusals are `not-allowed` domain errors, not traps.

use serde_json::Value;

use super::bindings::host::{
    self, LinkRef, ListOptions, LogLevel, OutboundRequest, OutboundResponse,
};
use super::bindings::types::{self, ErrorKind};
use super::plugin::Services;
use super::state::{CallState, Role};
use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, OrderBy, ServiceError};
use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;
use crate::framework::workflows::StagedEvent;

type Answer<T> = wasmtime::Result<Result<T, types::Error>>;

fn error(kind: ErrorKind, message: impl Into<String>) -> types::Error {
    types::Error {
        kind,
        message: message.into(),
        code: None,
    }
}

fn not_allowed(message: impl Into<String>) -> types::Error {
    error(ErrorKind::NotAllowed, message)
}

impl From<ServiceError> for types::Error {
    fn from(e: ServiceError) -> Self {
        let kind = match &e {
            ServiceError::NotFound { .. } => ErrorKind::NotFound,
            ServiceError::InvalidData(_) | ServiceError::NotOwnModel { .. } => {
                ErrorKind::InvalidData
            }
            ServiceError::Duplicate(_) => ErrorKind::DuplicateError,
            ServiceError::Db(_) => ErrorKind::UnexpectedState,
        };
        error(kind, e.to_string())
    }
}

/// Where a call's data imports run: the lent step transaction, or the pool.
fn exec_on<'a>(
    tx: &'a mut Option<crate::db::Transaction>,
    db: &'a crate::db::Database,
) -> Exec<'a> {
    match tx {
        Some(tx) => Exec::Tx(tx),
        None => Exec::Db(db),
    }
}

impl CallState {
    fn services(&self) -> Result<&Services, types::Error> {
        self.plugin.services.get().ok_or_else(|| {
            error(
                ErrorKind::UnexpectedState,
                "the host is still starting; plugin services are not available during load",
            )
        })
    }

    /// The module this call runs as, for service calls.
    fn as_module(&self) -> Option<&str> {
        match &self.role {
            Role::Service(module) => Some(module),
            _ => None,
        }
    }

    fn check_reach(&self, module: &str) -> Result<(), types::Error> {
        if self.plugin.may_reach(self.as_module(), module) {
            return Ok(());
        }
        Err(not_allowed(match self.as_module() {
            Some(own) => format!(
                "plugin {}: code running as module {own} cannot reach module {module}",
                self.plugin.name
            ),
            None => format!(
                "plugin {} may not reach module {module}: it is not one of its modules and medusa-config.toml does not grant it",
                self.plugin.name
            ),
        }))
    }

    fn service(&self, module: &str) -> Result<ModuleService, types::Error> {
        self.check_reach(module)?;
        self.services()?
            .registry
            .service(module)
            .ok_or_else(|| error(ErrorKind::NotFound, format!("no module {module}")))
    }

    fn parse(&self, raw: &str, what: &str) -> Result<Value, types::Error> {
        if raw.len() > self.plugin.limits.max_payload_bytes {
            return Err(error(
                ErrorKind::InvalidData,
                format!(
                    "{what} is {} bytes, over the limit of {}",
                    raw.len(),
                    self.plugin.limits.max_payload_bytes
                ),
            ));
        }
        serde_json::from_str(raw)
            .map_err(|e| error(ErrorKind::InvalidData, format!("{what} is not JSON: {e}")))
    }

    fn object(
        &self,
        raw: &str,
        what: &str,
    ) -> Result<serde_json::Map<String, Value>, types::Error> {
        match self.parse(raw, what)? {
            Value::Object(map) => Ok(map),
            Value::Null => Ok(Default::default()),
            _ => Err(error(
                ErrorKind::InvalidData,
                format!("{what} must be a JSON object"),
            )),
        }
    }

    fn not_as_service(&self, what: &str) -> Result<(), types::Error> {
        match self.as_module() {
            Some(module) => Err(not_allowed(format!(
                "plugin {}: code running as module {module} cannot {what}",
                self.plugin.name
            ))),
            None => Ok(()),
        }
    }

    /// Every module a graph query touches (root, relations, links) must be reachable.
    fn check_graph(
        &self,
        entity: &str,
        fields: &FieldTree,
        filters: &Value,
    ) -> Result<(), types::Error> {
        let registry = &self.services()?.registry;
        let (module, _) = registry
            .entity(entity)
            .ok_or_else(|| error(ErrorKind::NotFound, format!("Unknown entity: {entity}")))?;
        self.check_reach(&module.name)?;
        let mut names: Vec<(String, FieldTree)> = fields
            .relations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Value::Object(map) = filters {
            names.extend(map.keys().map(|k| (k.clone(), FieldTree::default())));
        }
        for (name, sub) in names {
            if let Some(end) = registry.link_field(entity, &name) {
                let other = end.other.model.clone();
                self.check_graph(&other, &sub, &Value::Null)?;
            } else if let Some((_, model)) = registry.entity(entity)
                && let Some(rel) = model.relations.iter().find(|r| r.name == name)
            {
                self.check_graph(&rel.target.clone(), &sub, &Value::Null)?;
            }
        }
        Ok(())
    }

    fn render(&self, value: &Value) -> Result<String, types::Error> {
        let text = value.to_string();
        if text.len() > self.plugin.limits.max_payload_bytes {
            return Err(error(
                ErrorKind::InvalidData,
                format!(
                    "the answer is {} bytes, over the plugin's payload limit of {}",
                    text.len(),
                    self.plugin.limits.max_payload_bytes
                ),
            ));
        }
        Ok(text)
    }

    async fn do_list(
        &mut self,
        module: String,
        model: String,
        options: ListOptions,
    ) -> Result<String, types::Error> {
        let service = self.service(&module)?;
        let filters = self.parse(&options.filters, "filters")?;
        let find = FindOptions {
            fields: (!options.fields.is_empty()).then(|| FieldTree::from_paths(&options.fields)),
            limit: options.take.map(u64::from),
            offset: u64::from(options.skip),
            order: options
                .order
                .as_deref()
                .map(OrderBy::parse)
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let db = self.services()?.db.clone();
        let mut exec = exec_on(&mut self.tx, &db);
        let rows = service.list(&mut exec, &model, &filters, &find).await?;
        self.render(&Value::Array(rows.into_iter().map(Value::Object).collect()))
    }

    async fn do_count(
        &mut self,
        module: String,
        model: String,
        filters: String,
    ) -> Result<u64, types::Error> {
        let service = self.service(&module)?;
        let filters = self.parse(&filters, "filters")?;
        let db = self.services()?.db.clone();
        let mut exec = exec_on(&mut self.tx, &db);
        let n = service.count(&mut exec, &model, &filters, false).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn do_retrieve(
        &mut self,
        module: String,
        model: String,
        id: String,
    ) -> Result<String, types::Error> {
        let service = self.service(&module)?;
        let db = self.services()?.db.clone();
        let mut exec = exec_on(&mut self.tx, &db);
        let row = service.retrieve(&mut exec, &model, &id, None).await?;
        self.render(&Value::Object(row))
    }

    async fn do_create(
        &mut self,
        module: String,
        model: String,
        data: String,
    ) -> Result<String, types::Error> {
        let service = self.service(&module)?;
        let row = self.object(&data, "data")?;
        let db = self.services()?.db.clone();
        let mut exec = exec_on(&mut self.tx, &db);
        let created = service.create(&mut exec, &model, vec![row]).await?;
        let row = created.into_iter().next().unwrap_or_default();
        self.render(&Value::Object(row))
    }

    async fn do_update(
        &mut self,
        module: String,
        model: String,
        id: String,
        data: String,
    ) -> Result<String, types::Error> {
        let service = self.service(&module)?;
        let row = self.object(&data, "data")?;
        let db = self.services()?.db.clone();
        let mut exec = exec_on(&mut self.tx, &db);
        let updated = service.update_by_id(&mut exec, &model, &id, &row).await?;
        self.render(&Value::Object(updated))
    }

    async fn do_delete(
        &mut self,
        module: String,
        model: String,
        id: String,
    ) -> Result<(), types::Error> {
        let service = self.service(&module)?;
        let services = self.services()?;
        let (db, registry) = (services.db.clone(), services.registry.clone());
        let mut exec = exec_on(&mut self.tx, &db);
        let ids = [id.clone()];
        let removed = service.delete(&mut exec, &model, &ids).await?;
        if removed == 0 {
            return Err(ServiceError::NotFound {
                entity: crate::framework::data::service::entity_name(&model),
                id,
            }
            .into());
        }
        crate::framework::links::on_deleted(&mut exec, &registry, &model, &ids)
            .await
            .map_err(|e| error(ErrorKind::UnexpectedState, e.to_string()))?;
        Ok(())
    }

    async fn do_query(
        &mut self,
        entity: String,
        fields: Vec<String>,
        filters: String,
        skip: u32,
        take: Option<u32>,
    ) -> Result<String, types::Error> {
        self.not_as_service("use query")?;
        let filters = self.parse(&filters, "filters")?;
        let fields = if fields.is_empty() {
            FieldTree::from_paths(["*"])
        } else {
            FieldTree::from_paths(&fields)
        };
        self.check_graph(&entity, &fields, &filters)?;
        let services = self.services()?;
        let (db, query) = (services.db.clone(), services.query.clone());
        let request = GraphRequest {
            entity,
            fields,
            filters,
            pagination: FindOptions {
                limit: take.map(u64::from),
                offset: u64::from(skip),
                ..Default::default()
            },
            count: false,
        };
        let mut exec = exec_on(&mut self.tx, &db);
        let result = query
            .graph(&mut exec, &request)
            .await
            .map_err(|e| match e {
                crate::framework::query::QueryError::Service(s) => types::Error::from(s),
                other => error(ErrorKind::InvalidData, other.to_string()),
            })?;
        self.render(&Value::Array(
            result.data.into_iter().map(Value::Object).collect(),
        ))
    }

    async fn do_link(
        &mut self,
        left: LinkRef,
        right: LinkRef,
        create: bool,
    ) -> Result<(), types::Error> {
        self.not_as_service("change links")?;
        let declared = self.plugin.own_links.iter().any(|(a, b)| {
            (a == &left.model && b == &right.model) || (a == &right.model && b == &left.model)
        });
        if !declared {
            self.check_reach(&left.module)?;
            self.check_reach(&right.module)?;
        }
        let services = self.services()?;
        let (db, registry) = (services.db.clone(), services.registry.clone());
        let refs = [crate::framework::links::LinkRef::new(
            &left.model,
            &left.id,
            &right.model,
            &right.id,
        )];
        let mut exec = exec_on(&mut self.tx, &db);
        let outcome = if create {
            crate::framework::links::create(&mut exec, &registry, &refs).await
        } else {
            crate::framework::links::dismiss(&mut exec, &registry, &refs)
                .await
                .map(drop)
        };
        outcome.map_err(|e| match e {
            crate::framework::links::LinkError::Undefined(..) => {
                error(ErrorKind::InvalidData, e.to_string())
            }
            other => error(ErrorKind::UnexpectedState, other.to_string()),
        })
    }

    async fn do_run_workflow(
        &mut self,
        name: String,
        input: String,
    ) -> Result<String, types::Error> {
        self.not_as_service("run workflows")?;
        if self.tx.is_some() {
            return Err(not_allowed(
                "a workflow step cannot start another workflow; declare it as a step of this one",
            ));
        }
        if self.depth + 1 > self.plugin.limits.max_depth {
            return Err(not_allowed(format!(
                "call depth limit of {} reached",
                self.plugin.limits.max_depth
            )));
        }
        let input = self.parse(&input, "workflow input")?;
        let engine = self.services()?.workflows.clone();
        let run = super::depth::CALL_DEPTH
            .scope(self.depth + 1, async move {
                engine.run(&name, None, input).await
            })
            .await
            .map_err(|e| {
                use crate::framework::workflows::WorkflowError as W;
                match e {
                    W::Unknown(name) => {
                        error(ErrorKind::NotFound, format!("unknown workflow {name}"))
                    }
                    W::Failed { error: step, .. } => {
                        let kind = match step.kind.as_deref() {
                            Some("invalid_data") => ErrorKind::InvalidData,
                            Some("not_found") => ErrorKind::NotFound,
                            Some("not_allowed") => ErrorKind::NotAllowed,
                            Some("duplicate_error") => ErrorKind::DuplicateError,
                            Some("unauthorized") => ErrorKind::Unauthorized,
                            Some("conflict") => ErrorKind::Conflict,
                            _ => ErrorKind::UnexpectedState,
                        };
                        types::Error {
                            kind,
                            message: step.message,
                            code: step.code,
                        }
                    }
                    other => error(ErrorKind::UnexpectedState, other.to_string()),
                }
            })?;
        self.render(&run.output)
    }

    async fn do_emit(&mut self, name: String, data: String) -> Result<(), types::Error> {
        self.not_as_service("emit events")?;
        if !self.plugin.may_emit(&name) {
            return Err(not_allowed(format!(
                "plugin {} may not emit {name}: only its own models' events and granted ones",
                self.plugin.name
            )));
        }
        let data = self.parse(&data, "event data")?;
        if self.tx.is_some() {
            self.staged.push(StagedEvent { name, data });
            return Ok(());
        }
        let services = self.services()?;
        let (db, bus) = (services.db.clone(), services.events.clone());
        bus.emit(&mut Exec::Db(&db), &name, &data)
            .await
            .map_err(|e| error(ErrorKind::UnexpectedState, e.to_string()))?;
        bus.wake();
        Ok(())
    }

    async fn do_call_module(
        &mut self,
        module: String,
        method: String,
        args: String,
    ) -> Result<String, types::Error> {
        self.not_as_service("call other modules")?;
        self.check_reach(&module)?;
        if self.depth + 1 > self.plugin.limits.max_depth {
            return Err(not_allowed(format!(
                "call depth limit of {} reached",
                self.plugin.limits.max_depth
            )));
        }
        self.parse(&args, "arguments")?;
        let owner = self
            .services()?
            .module_owners
            .get(&module)
            .and_then(std::sync::Weak::upgrade)
            .ok_or_else(|| {
                error(
                    ErrorKind::InvalidData,
                    format!("module {module} has no service methods to call; read and write its data with list/retrieve/create/update/delete"),
                )
            })?;
        let tx = self.tx.take();
        let (out, tx) = owner
            .call_service(
                &module,
                &method,
                &args,
                &self.request_id,
                self.depth + 1,
                tx,
            )
            .await;
        self.tx = tx;
        out.map_err(|e| match e {
            super::call::PluginError::Domain(d) => d,
            other => error(ErrorKind::UnexpectedState, other.to_string()),
        })
    }
}

impl types::Host for CallState {}

impl host::Host for CallState {
    async fn log(&mut self, level: LogLevel, message: String) -> wasmtime::Result<()> {
        let max = self.plugin.limits.max_stderr_bytes.max(256);
        let message = if message.len() > max {
            let mut end = max;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}… (truncated)", &message[..end])
        } else {
            message
        };
        let (plugin, point, request_id) =
            (&self.plugin.name, self.role.to_string(), &self.request_id);
        match level {
            LogLevel::Trace => tracing::trace!(%plugin, %point, %request_id, "{message}"),
            LogLevel::Debug => tracing::debug!(%plugin, %point, %request_id, "{message}"),
            LogLevel::Info => tracing::info!(%plugin, %point, %request_id, "{message}"),
            LogLevel::Warn => tracing::warn!(%plugin, %point, %request_id, "{message}"),
            LogLevel::Error => tracing::error!(%plugin, %point, %request_id, "{message}"),
        }
        Ok(())
    }

    async fn options(&mut self) -> wasmtime::Result<String> {
        Ok(self.plugin.options.to_string())
    }

    async fn list(
        &mut self,
        module: String,
        model: String,
        options: ListOptions,
    ) -> Answer<String> {
        Ok(self.do_list(module, model, options).await)
    }

    async fn count(&mut self, module: String, model: String, filters: String) -> Answer<u64> {
        Ok(self.do_count(module, model, filters).await)
    }

    async fn retrieve(&mut self, module: String, model: String, id: String) -> Answer<String> {
        Ok(self.do_retrieve(module, model, id).await)
    }

    async fn create(&mut self, module: String, model: String, data: String) -> Answer<String> {
        Ok(self.do_create(module, model, data).await)
    }

    async fn update(
        &mut self,
        module: String,
        model: String,
        id: String,
        data: String,
    ) -> Answer<String> {
        Ok(self.do_update(module, model, id, data).await)
    }

    async fn delete(&mut self, module: String, model: String, id: String) -> Answer<()> {
        Ok(self.do_delete(module, model, id).await)
    }

    async fn query_graph(
        &mut self,
        entity: String,
        fields: Vec<String>,
        filters: String,
        skip: u32,
        take: Option<u32>,
    ) -> Answer<String> {
        Ok(self.do_query(entity, fields, filters, skip, take).await)
    }

    async fn link(&mut self, left: LinkRef, right: LinkRef) -> Answer<()> {
        Ok(self.do_link(left, right, true).await)
    }

    async fn dismiss(&mut self, left: LinkRef, right: LinkRef) -> Answer<()> {
        Ok(self.do_link(left, right, false).await)
    }

    async fn run_workflow(&mut self, name: String, input: String) -> Answer<String> {
        Ok(self.do_run_workflow(name, input).await)
    }

    async fn emit(&mut self, name: String, data: String) -> Answer<()> {
        Ok(self.do_emit(name, data).await)
    }

    async fn call_module(
        &mut self,
        module: String,
        method: String,
        args: String,
    ) -> Answer<String> {
        Ok(self.do_call_module(module, method, args).await)
    }

    async fn http_fetch(&mut self, request: OutboundRequest) -> Answer<OutboundResponse> {
        let url = match super::outbound::check(&self.plugin, &request) {
            Ok(url) => url,
            Err(e) => return Ok(Err(e)),
        };
        let left = self
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        tracing::debug!(plugin = %self.plugin.name, request_id = %self.request_id, %url, "plugin HTTP request");
        Ok(super::outbound::send(&self.plugin, url, request, left).await)
    }
}
