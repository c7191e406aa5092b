//! Builders for what a plugin declares: modules and their models, links,
//! routes, subscribers, workflows, jobs and the capabilities it requests.
//!
//! ```
//! use medusa_sdk::prelude::*;
//!
//! let manifest = Manifest::new("brand", "0.1.0")
//!     .module(Module::new("brand").model(Model::new("brand", "brand").text("name").searchable()))
//!     .link(Link::new(LinkEnd::new("product", "product").list(), LinkEnd::new("brand", "brand")))
//!     .route(Method::Get, "/store/brands")
//!     .subscriber("log-brand", ["brand.created"])
//!     .job("sync-daily", "0 0 * * *");
//! assert_eq!(manifest.name(), "brand");
//! ```

use crate::bindings::medusa::plugin::types as wit;

pub use wit::HttpMethod as Method;

/// A data model: a table with typed fields. Field modifiers (`nullable`,
/// `unique`, `searchable`, `default`) apply to the field added last.
#[derive(Debug, Clone)]
pub struct Model(wit::ModelDef);

impl Model {
    /// `name` is the entity name (unique across the host); ids look like `<id_prefix>_01J…`.
    pub fn new(name: &str, id_prefix: &str) -> Self {
        Self(wit::ModelDef {
            name: name.into(),
            id_prefix: id_prefix.into(),
            fields: Vec::new(),
            relations: Vec::new(),
        })
    }

    fn field(mut self, name: &str, type_: wit::FieldType) -> Self {
        self.0.fields.push(wit::FieldDef {
            name: name.into(),
            type_,
            nullable: false,
            unique: false,
            searchable: false,
            default_value: None,
        });
        self
    }

    pub fn text(self, name: &str) -> Self {
        self.field(name, wit::FieldType::Text)
    }
    pub fn number(self, name: &str) -> Self {
        self.field(name, wit::FieldType::Number)
    }
    pub fn float(self, name: &str) -> Self {
        self.field(name, wit::FieldType::Float)
    }
    pub fn boolean(self, name: &str) -> Self {
        self.field(name, wit::FieldType::Boolean)
    }
    /// Exact decimal (money).
    pub fn big_number(self, name: &str) -> Self {
        self.field(name, wit::FieldType::BigNumber)
    }
    pub fn json(self, name: &str) -> Self {
        self.field(name, wit::FieldType::Json)
    }
    pub fn date_time(self, name: &str) -> Self {
        self.field(name, wit::FieldType::DateTime)
    }
    pub fn enumeration(self, name: &str, values: &[&str]) -> Self {
        self.field(
            name,
            wit::FieldType::Enumeration(values.iter().map(|v| (*v).to_owned()).collect()),
        )
    }

    fn last(&mut self) -> Option<&mut wit::FieldDef> {
        self.0.fields.last_mut()
    }
    pub fn nullable(mut self) -> Self {
        if let Some(f) = self.last() {
            f.nullable = true;
        }
        self
    }
    pub fn unique(mut self) -> Self {
        if let Some(f) = self.last() {
            f.unique = true;
        }
        self
    }
    /// Included in `q` free-text search.
    pub fn searchable(mut self) -> Self {
        if let Some(f) = self.last() {
            f.searchable = true;
        }
        self
    }
    pub fn default(mut self, value: serde_json::Value) -> Self {
        if let Some(f) = self.last() {
            f.default_value = Some(value.to_string());
        }
        self
    }

    /// This model holds `foreign_key` pointing at `target` (same module).
    pub fn belongs_to(mut self, name: &str, target: &str, foreign_key: &str) -> Self {
        self.0.relations.push(wit::RelationDef {
            name: name.into(),
            target: target.into(),
            kind: wit::RelationKind::BelongsTo(foreign_key.into()),
            cascade_delete: false,
        });
        self
    }

    /// `target` rows hold `foreign_key` pointing at this model (same module).
    pub fn has_many(mut self, name: &str, target: &str, foreign_key: &str) -> Self {
        self.0.relations.push(wit::RelationDef {
            name: name.into(),
            target: target.into(),
            kind: wit::RelationKind::HasMany(foreign_key.into()),
            cascade_delete: false,
        });
        self
    }
}

/// A module: models, and the service methods other code may call.
#[derive(Debug, Clone)]
pub struct Module(wit::ModuleDef);

impl Module {
    pub fn new(name: &str) -> Self {
        Self(wit::ModuleDef {
            name: name.into(),
            models: Vec::new(),
            methods: Vec::new(),
        })
    }
    pub fn model(mut self, model: Model) -> Self {
        self.0.models.push(model.0);
        self
    }
    /// Declares service methods, served by [`crate::Plugin::service`].
    pub fn methods<const N: usize>(mut self, methods: [&str; N]) -> Self {
        self.0
            .methods
            .extend(methods.iter().map(|m| (*m).to_owned()));
        self
    }
}

/// One end of a [`Link`].
#[derive(Debug, Clone)]
pub struct LinkEnd(wit::LinkSide);

impl LinkEnd {
    pub fn new(module: &str, model: &str) -> Self {
        Self(wit::LinkSide {
            module: module.into(),
            model: model.into(),
            alias: None,
            is_list: false,
            delete_cascade: false,
        })
    }
    /// The other end links to many rows of this end.
    pub fn list(mut self) -> Self {
        self.0.is_list = true;
        self
    }
    /// The name under which the other end reaches this one in `fields`.
    pub fn alias(mut self, alias: &str) -> Self {
        self.0.alias = Some(alias.into());
        self
    }
    /// Deleting a row of this end deletes the linked rows of the other end.
    pub fn delete_cascade(mut self) -> Self {
        self.0.delete_cascade = true;
        self
    }
}

/// A link between models of different modules.
#[derive(Debug, Clone)]
pub struct Link(wit::LinkDef);

impl Link {
    pub fn new(left: LinkEnd, right: LinkEnd) -> Self {
        Self(wit::LinkDef {
            left: left.0,
            right: right.0,
        })
    }
}

/// A workflow step.
#[derive(Debug, Clone)]
pub struct Step(wit::StepDef);

impl Step {
    pub fn new(id: &str) -> Self {
        Self(wit::StepDef {
            id: id.into(),
            compensates: false,
        })
    }
    /// The step has a compensation ([`crate::Plugin::compensate`]).
    pub fn compensated(mut self) -> Self {
        self.0.compensates = true;
        self
    }
}

/// Everything a plugin declares.
#[derive(Debug, Clone)]
pub struct Manifest(wit::PluginManifest);

impl Manifest {
    pub fn new(name: &str, version: &str) -> Self {
        Self(wit::PluginManifest {
            name: name.into(),
            version: version.into(),
            modules: Vec::new(),
            links: Vec::new(),
            routes: Vec::new(),
            subscribers: Vec::new(),
            workflows: Vec::new(),
            hooks: Vec::new(),
            jobs: Vec::new(),
            capabilities: wit::Capabilities {
                modules: Vec::new(),
                events: Vec::new(),
                directories: Vec::new(),
                env: Vec::new(),
                http_hosts: Vec::new(),
            },
        })
    }
    pub fn name(&self) -> &str {
        &self.0.name
    }
    pub fn module(mut self, module: Module) -> Self {
        self.0.modules.push(module.0);
        self
    }
    pub fn link(mut self, link: Link) -> Self {
        self.0.links.push(link.0);
        self
    }
    /// `path` starts with `/store` (publishable key), `/admin` (logged-in
    /// user) or anything else (public); parameters are written `:name`.
    pub fn route(mut self, method: Method, path: &str) -> Self {
        self.0.routes.push(wit::RouteDef {
            method,
            path: path.into(),
        });
        self
    }
    pub fn subscriber<const N: usize>(mut self, id: &str, events: [&str; N]) -> Self {
        self.0.subscribers.push(wit::SubscriberDef {
            id: id.into(),
            events: events.iter().map(|e| (*e).to_owned()).collect(),
        });
        self
    }
    /// Steps run in order; on failure, completed ones are compensated in reverse.
    pub fn workflow<const N: usize>(mut self, id: &str, steps: [Step; N]) -> Self {
        self.0.workflows.push(wit::WorkflowDef {
            id: id.into(),
            steps: steps.into_iter().map(|s| s.0).collect(),
        });
        self
    }
    /// Handles the hook `hook` of `workflow` (e.g. `complete-cart`'s
    /// `validate`): [`crate::Plugin::step`] is called with the step id
    /// `hook:<hook>`, the workflow's input and earlier steps' outputs; an
    /// error fails (and compensates) the workflow.
    pub fn hook(mut self, workflow: &str, hook: &str) -> Self {
        self.0.hooks.push(wit::HookDef {
            workflow: workflow.into(),
            hook: hook.into(),
            compensates: false,
        });
        self
    }
    /// `schedule`: cron (`0 0 * * *`) or `every 30s` / `every 5m` / `every 1h`.
    pub fn job(mut self, name: &str, schedule: &str) -> Self {
        self.0.jobs.push(wit::JobDef {
            name: name.into(),
            schedule: schedule.into(),
        });
        self
    }
    /// Modules beyond its own the plugin reads or calls (granted in `medusa-config.toml`).
    pub fn requests_modules<const N: usize>(mut self, modules: [&str; N]) -> Self {
        self.0
            .capabilities
            .modules
            .extend(modules.iter().map(|m| (*m).to_owned()));
        self
    }
    /// Events beyond its own models' events the plugin emits.
    pub fn requests_events<const N: usize>(mut self, events: [&str; N]) -> Self {
        self.0
            .capabilities
            .events
            .extend(events.iter().map(|e| (*e).to_owned()));
        self
    }
    /// Directories (as named in `medusa-config.toml`) it reads and writes.
    pub fn requests_directories<const N: usize>(mut self, dirs: [&str; N]) -> Self {
        self.0
            .capabilities
            .directories
            .extend(dirs.iter().map(|d| (*d).to_owned()));
        self
    }
    /// Environment variables it reads.
    pub fn requests_env<const N: usize>(mut self, vars: [&str; N]) -> Self {
        self.0
            .capabilities
            .env
            .extend(vars.iter().map(|v| (*v).to_owned()));
        self
    }
    /// Hosts it sends HTTP requests to with [`crate::outbound`]
    /// (`api.example.com`, `127.0.0.1:8080`, `*.example.com`).
    pub fn requests_http_hosts<const N: usize>(mut self, hosts: [&str; N]) -> Self {
        self.0
            .capabilities
            .http_hosts
            .extend(hosts.iter().map(|h| (*h).to_owned()));
        self
    }

    #[doc(hidden)]
    pub fn into_wit(self) -> wit::PluginManifest {
        self.0
    }
}
