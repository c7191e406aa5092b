//! The state shared by every request: configuration, database pool and the
//! framework runtime.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Database;
use crate::runtime::Runtime;

/// Cheap to clone: one `Arc` inside.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    db: Database,
    runtime: Runtime,
    key_cache: crate::api::publishable_key::KeyCache,
    response_cache: crate::api::response_cache::ResponseCache,
}

impl AppState {
    pub fn new(config: Config, db: Database, runtime: Runtime) -> Self {
        Self {
            inner: Arc::new(Inner {
                response_cache: crate::api::response_cache::ResponseCache::new(&config.cache),
                config,
                db,
                runtime,
                key_cache: Default::default(),
            }),
        }
    }

    /// Recently checked publishable keys.
    pub fn key_cache(&self) -> &crate::api::publishable_key::KeyCache {
        &self.inner.key_cache
    }

    /// Cached store catalogue answers.
    pub fn response_cache(&self) -> &crate::api::response_cache::ResponseCache {
        &self.inner.response_cache
    }

    /// Modules, query, workflows and events.
    pub fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn db(&self) -> &Database {
        &self.inner.db
    }
}
