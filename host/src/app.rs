//! The state shared by every request: configuration and database pool.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Database;

/// Cheap to clone: one `Arc` inside.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    db: Database,
}

impl AppState {
    pub fn new(config: Config, db: Database) -> Self {
        Self {
            inner: Arc::new(Inner { config, db }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn db(&self) -> &Database {
        &self.inner.db
    }
}
