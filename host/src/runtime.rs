//! The framework as one host runs it: the module registry, the workflow
//! engine, the event bus and the job scheduler, started with the server and
//! stopped with it.

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::db::Database;
use crate::framework::events::{EventBus, EventBusConfig, Transport};
use crate::framework::jobs::{JobDef, Scheduler};
use crate::framework::modules::{MigrateModulesError, Registry, migrate_modules};
use crate::framework::query::Query;
use crate::framework::workflows::{WorkflowEngine, WorkflowEnv};

/// Every module of this host with the links between them: native ones
/// (and, later, plugin ones).
pub fn registry() -> Result<Registry, crate::framework::modules::RegistryError> {
    let mut registry = Registry::new();
    for module in crate::modules::definitions() {
        registry.register(module)?;
    }
    for link in crate::links::definitions() {
        registry.link(link)?;
    }
    Ok(registry)
}

/// Loads the configured plugins, then builds the registry (native and
/// plugin modules and links) and the runtime with the plugins attached.
pub async fn assemble(config: &Config, db: &Database) -> Result<Runtime, AssembleError> {
    let plugins = crate::plugins::PluginHost::load(config).await?;
    let mut registry = registry()?;
    if let Some(plugins) = &plugins {
        plugins.register(&mut registry)?;
    }
    let mut runtime = Runtime::new(config, db, registry);
    if let Some(plugins) = plugins {
        plugins.attach(&mut runtime, db);
        runtime.plugins = Some(Arc::new(plugins));
    }
    Ok(runtime)
}

/// Why a runtime could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    #[error("modules: {0}")]
    Registry(#[from] crate::framework::modules::RegistryError),
    #[error("plugins: {0}")]
    Plugin(#[from] crate::plugins::PluginLoadError),
}

/// The framework services of a running host.
#[derive(Clone)]
pub struct Runtime {
    pub registry: Arc<Registry>,
    pub query: Query,
    pub workflows: Arc<WorkflowEngine>,
    pub events: Arc<EventBus>,
    pub jobs: Vec<JobDef>,
    pub host_id: String,
    /// The loaded plugins, if any.
    pub plugins: Option<Arc<crate::plugins::PluginHost>>,
}

impl Runtime {
    pub fn new(config: &Config, db: &Database, registry: Registry) -> Self {
        let registry = Arc::new(registry);
        let host_id = crate::framework::id::generate_id("host");
        let transport = match &config.redis.url {
            Some(url) => Transport::Redis {
                url: url.clone(),
                namespace: config.events.redis_namespace.clone(),
            },
            None => Transport::Local,
        };
        let events = EventBus::new(
            db.clone(),
            transport,
            EventBusConfig {
                max_attempts: config.events.max_attempts.max(1),
                backoff: Duration::from_millis(config.events.backoff_ms),
                host_id: host_id.clone(),
                ..Default::default()
            },
        );
        let workflows = WorkflowEngine::new(
            WorkflowEnv::new(db.clone(), registry.clone())
                .with_audience(events.clone())
                .with_relaxed_commits(!config.database.durable_cart_edits),
        );
        crate::flows::register(&workflows);
        Self {
            query: Query::new(registry.clone()),
            workflows,
            registry,
            events,
            jobs: Vec::new(),
            host_id,
            plugins: None,
        }
    }

    /// Brings module and link tables in line with the registry.
    pub async fn migrate(
        &self,
        db: &Database,
        allow_destructive: bool,
    ) -> Result<usize, MigrateModulesError> {
        Ok(migrate_modules(db, &self.registry, allow_destructive)
            .await?
            .applied
            .len())
    }

    /// Recovers interrupted workflows, purges old journal entries, then runs
    /// the event dispatcher and the scheduler until `shutdown` fires.
    pub async fn start(
        &self,
        config: &Config,
        db: &Database,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let recover_after = Duration::from_secs(config.workflows.recovery_after_secs);
        match self.workflows.recover(recover_after).await {
            Ok(report) if report != Default::default() => {
                tracing::info!(?report, "recovered interrupted workflows")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "workflow recovery failed"),
        }
        let retention = Duration::from_secs(config.workflows.retention_hours * 3600);
        if let Err(e) = self.workflows.purge_expired(retention).await {
            tracing::warn!(error = %e, "workflow journal purge failed");
        }
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let bus = self.events.clone();
        let scheduler = Scheduler::new(db.clone(), self.jobs.clone(), &self.host_id);
        let mut tasks = vec![
            tokio::spawn(bus.run(stopped(shutdown.clone()))),
            tokio::spawn(scheduler.run(stopped(shutdown.clone()))),
        ];
        if let Some(url) = &config.redis.url {
            tasks.push(tokio::spawn(crate::framework::change_feed::run(
                url.clone(),
                config.events.redis_namespace.clone(),
                self.host_id.clone(),
                stopped(shutdown),
            )));
        } else if config.cache.enabled && db.dialect() == crate::db::Dialect::Postgres {
            tracing::info!(
                ttl_secs = config.cache.ttl_secs,
                "no [redis]: catalogue cache invalidation stays on this host; other hosts sharing the database see changes within the cache ttl"
            );
        }
        tasks
    }
}
