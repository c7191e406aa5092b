//! Loading the plugins listed in `medusa-config.toml`: compile (or fetch from
//! the on-disk cache), link against the host imports and an empty WASI,
//! read each manifest, and work out what each plugin is granted. The
//! resulting [`PluginHost`] adds the plugins' modules and links to the
//! registry and their workflows, subscribers and jobs to the runtime.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;
use wasmtime::component::{Component, HasSelf, Linker};

use super::adapters::{PluginJob, PluginStep, PluginSubscriber};
use super::bindings::Plugin;
use super::engine::{EngineError, PluginEngine};
use super::limits::Limits;
use super::manifest::{Manifest, RouteDef, RouteScope};
use super::plugin::{LoadedPlugin, PluginShared, Services};
use super::state::CallState;
use crate::config::{Config, PluginConfig};
use crate::framework::jobs::JobDef;
use crate::framework::modules::{Registry, RegistryError};
use crate::framework::workflows::{StepDef, WorkflowDef};
use crate::runtime::Runtime;

/// Why plugins could not be loaded (the host does not start without them).
#[derive(Debug, thiserror::Error)]
pub enum PluginLoadError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("plugin {path}: cannot read the component: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("plugin {path}: not a valid component for medusa:plugin@0.1.0: {message}")]
    Invalid { path: String, message: String },
    #[error("plugin {path}: its manifest call failed: {message}")]
    Manifest { path: String, message: String },
    #[error("plugin {name}: {message}")]
    Conflict { name: String, message: String },
    #[error("plugin {name}: {source}")]
    Registry {
        name: String,
        #[source]
        source: Box<RegistryError>,
    },
}

/// Every loaded plugin of this host.
pub struct PluginHost {
    _engine: PluginEngine,
    pub plugins: Vec<Arc<LoadedPlugin>>,
    services: Arc<OnceLock<Services>>,
}

/// Where compiled plugins are cached.
pub fn cache_dir(config: &Config) -> PathBuf {
    config.project_dir.join(".medusa").join("wasm-cache")
}

impl PluginHost {
    /// Loads every `[[plugins]]` entry; `None` when there are none.
    pub async fn load(config: &Config) -> Result<Option<Self>, PluginLoadError> {
        if config.plugins.is_empty() {
            return Ok(None);
        }
        let max_memory = config
            .plugins
            .iter()
            .map(|p| Limits::from_config(&p.limits).memory_bytes)
            .max()
            .unwrap_or(64 * 1024 * 1024);
        let engine = PluginEngine::new(&cache_dir(config), max_memory)?;
        let services = Arc::new(OnceLock::new());
        let mut plugins: Vec<Arc<LoadedPlugin>> = Vec::new();
        for entry in &config.plugins {
            let plugin = load_one(&engine, config, entry, &services).await?;
            if let Some(other) = plugins.iter().find(|p| p.shared.name == plugin.shared.name) {
                return Err(PluginLoadError::Conflict {
                    name: plugin.shared.name.clone(),
                    message: format!(
                        "loaded twice ({} and {})",
                        other.path.display(),
                        plugin.path.display()
                    ),
                });
            }
            tracing::info!(
                plugin = %plugin.shared.name,
                version = %plugin.manifest.version,
                modules = plugin.manifest.modules.len(),
                routes = plugin.manifest.routes.len(),
                subscribers = plugin.manifest.subscribers.len(),
                workflows = plugin.manifest.workflows.len(),
                jobs = plugin.manifest.jobs.len(),
                "plugin loaded"
            );
            plugins.push(Arc::new(plugin));
        }
        check_routes(&plugins)?;
        Ok(Some(Self {
            _engine: engine,
            plugins,
            services,
        }))
    }

    /// Adds the plugins' modules and links to `registry`.
    pub fn register(&self, registry: &mut Registry) -> Result<(), PluginLoadError> {
        for plugin in &self.plugins {
            let registry_error = |source| PluginLoadError::Registry {
                name: plugin.shared.name.clone(),
                source: Box::new(source),
            };
            for module in &plugin.manifest.modules {
                registry.register(module.clone()).map_err(registry_error)?;
            }
        }
        for plugin in &self.plugins {
            for link in &plugin.manifest.links {
                registry
                    .link(link.clone())
                    .map_err(|source| PluginLoadError::Registry {
                        name: plugin.shared.name.clone(),
                        source: Box::new(source),
                    })?;
            }
        }
        Ok(())
    }

    /// Hands the runtime's services to the plugins and adds their workflows,
    /// subscribers and jobs to it.
    pub fn attach(&self, runtime: &mut Runtime, db: &crate::db::Database) {
        let module_owners = self
            .plugins
            .iter()
            .flat_map(|p| {
                p.manifest
                    .modules
                    .iter()
                    .map(move |m| (m.name.clone(), Arc::downgrade(p)))
            })
            .collect::<HashMap<_, _>>();
        let _ = self.services.set(Services {
            db: db.clone(),
            registry: runtime.registry.clone(),
            query: runtime.query.clone(),
            workflows: runtime.workflows.clone(),
            events: runtime.events.clone(),
            module_owners,
        });
        for plugin in &self.plugins {
            for workflow in &plugin.manifest.workflows {
                let mut def = WorkflowDef::new(&workflow.id);
                for (step, compensates) in &workflow.steps {
                    def = def.step(StepDef::new(
                        step,
                        Arc::new(PluginStep {
                            plugin: plugin.clone(),
                            workflow: workflow.id.clone(),
                            step: step.clone(),
                            compensates: *compensates,
                        }),
                    ));
                }
                runtime.workflows.register(def);
            }
            for (workflow, hook, compensates) in &plugin.manifest.hooks {
                runtime.workflows.on_hook(
                    workflow,
                    hook,
                    Arc::new(PluginStep {
                        plugin: plugin.clone(),
                        workflow: workflow.clone(),
                        step: format!("hook:{hook}"),
                        compensates: *compensates,
                    }),
                );
            }
            for (id, events) in &plugin.manifest.subscribers {
                runtime.events.subscribe(Arc::new(PluginSubscriber {
                    plugin: plugin.clone(),
                    id: format!("{}:{id}", plugin.shared.name),
                    local_id: id.clone(),
                    events: events.clone(),
                }));
            }
            for job in &plugin.manifest.jobs {
                runtime.jobs.push(JobDef {
                    name: format!("{}:{}", plugin.shared.name, job.name),
                    schedule: job.schedule.clone(),
                    max_executions: None,
                    handler: Arc::new(PluginJob {
                        plugin: plugin.clone(),
                        name: job.name.clone(),
                    }),
                });
            }
        }
    }

    /// Every plugin route of `scope`, with its plugin.
    pub fn routes(&self, scope: RouteScope) -> Vec<(Arc<LoadedPlugin>, RouteDef)> {
        self.plugins
            .iter()
            .flat_map(|p| {
                p.manifest
                    .routes
                    .iter()
                    .filter(move |r| r.scope == scope)
                    .map(move |r| (p.clone(), r.clone()))
            })
            .collect()
    }
}

/// Two plugins may not declare the same route.
fn check_routes(plugins: &[Arc<LoadedPlugin>]) -> Result<(), PluginLoadError> {
    let mut seen: HashMap<(String, String), &str> = HashMap::new();
    for plugin in plugins {
        for route in &plugin.manifest.routes {
            let key = (route.method.to_string(), route.axum_path());
            if let Some(other) = seen.insert(key, &plugin.shared.name) {
                return Err(PluginLoadError::Conflict {
                    name: plugin.shared.name.clone(),
                    message: format!(
                        "route {} {} is also declared by plugin {other}",
                        route.method, route.path
                    ),
                });
            }
        }
    }
    Ok(())
}

async fn load_one(
    engine: &PluginEngine,
    config: &Config,
    entry: &PluginConfig,
    services: &Arc<OnceLock<Services>>,
) -> Result<LoadedPlugin, PluginLoadError> {
    let path = config.project_dir.join(&entry.resolve);
    let shown = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(|source| PluginLoadError::Read {
        path: shown.clone(),
        source,
    })?;
    let invalid = |message: String| PluginLoadError::Invalid {
        path: shown.clone(),
        message,
    };
    let component =
        Component::from_binary(engine.engine(), &bytes).map_err(|e| invalid(format!("{e:#}")))?;
    let mut linker: Linker<CallState> = Linker::new(engine.engine());
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(|e| invalid(format!("{e:#}")))?;
    Plugin::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |state| state)
        .map_err(|e| invalid(format!("{e:#}")))?;
    let pre = linker
        .instantiate_pre(&component)
        .map_err(|e| invalid(format!("{e:#}")))?;
    let limits = Limits::from_config(&entry.limits);
    let options = serde_json::to_value(&entry.options).unwrap_or_default();

    // First, a bare plugin to ask for its manifest.
    let bare = LoadedPlugin {
        shared: Arc::new(PluginShared {
            name: entry.resolve.display().to_string(),
            options: options.clone(),
            grants: Default::default(),
            limits: limits.clone(),
            own_modules: BTreeSet::new(),
            granted_modules: BTreeSet::new(),
            granted_events: BTreeSet::new(),
            own_models: BTreeSet::new(),
            own_links: Vec::new(),
            granted_http_hosts: BTreeSet::new(),
            granted_dirs: Vec::new(),
            services: services.clone(),
        }),
        manifest: Manifest::empty(),
        path: path.clone(),
        pre: pre.clone(),
        slots: Arc::new(Semaphore::new(1)),
    };
    let raw = bare
        .call_manifest()
        .await
        .map_err(|e| PluginLoadError::Manifest {
            path: shown.clone(),
            message: e.to_string(),
        })?;
    let manifest = Manifest::from_wit(raw).map_err(|e| PluginLoadError::Manifest {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let shared = grant(
        &manifest,
        entry,
        config.project_dir.as_path(),
        options,
        limits,
        services,
    );
    Ok(LoadedPlugin {
        slots: Arc::new(Semaphore::new(shared.limits.max_concurrency.max(1))),
        shared: Arc::new(shared),
        manifest,
        path,
        pre,
    })
}

/// What the plugin requests AND the config grants; the rest is refused, with
/// a warning so the merchant sees what a plugin wanted.
fn grant(
    manifest: &Manifest,
    entry: &PluginConfig,
    project_dir: &Path,
    options: serde_json::Value,
    limits: Limits,
    services: &Arc<OnceLock<Services>>,
) -> PluginShared {
    let name = manifest.name.clone();
    let requested = &manifest.capabilities;
    let intersect = |what: &str, requested: &[String], granted: &[String]| {
        let mut out = BTreeSet::new();
        for item in requested {
            if granted.contains(item) {
                out.insert(item.clone());
            } else {
                tracing::warn!(plugin = %name, capability = what, %item, "requested but not granted in medusa-config.toml");
            }
        }
        out
    };
    let granted_modules = intersect("module", &requested.modules, &entry.grants.modules);
    let granted_events = intersect("event", &requested.events, &entry.grants.events);
    let granted_env = intersect("env", &requested.env, &entry.grants.env);
    let granted_http_hosts =
        intersect("http host", &requested.http_hosts, &entry.grants.http_hosts);
    let granted_dirs = entry
        .grants
        .directories
        .iter()
        .filter(|d| {
            requested
                .directories
                .iter()
                .any(|r| Path::new(r) == d.as_path())
        })
        .map(|d| project_dir.join(d))
        .collect();
    let mut grants = entry.grants.clone();
    grants.env = granted_env.into_iter().collect();
    PluginShared {
        name,
        options,
        grants,
        limits,
        own_modules: manifest.modules.iter().map(|m| m.name.clone()).collect(),
        granted_modules,
        granted_events,
        own_models: manifest.own_models(),
        own_links: manifest
            .links
            .iter()
            .map(|l| (l.left.model.clone(), l.right.model.clone()))
            .collect(),
        granted_dirs,
        granted_http_hosts,
        services: services.clone(),
    }
}
