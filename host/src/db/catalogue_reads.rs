//! An in-process cache of catalogue rows that requests and workflow steps read
//! again and again (a cart's region, its items' variants with their products).
//!
//! Entries are checked against the catalogue generation of [`changes`]: one
//! read at generation `g` is served only while the generation is still `g`,
//! nothing read while a write was under way is kept, and a transaction that
//! wrote catalogue tables itself always reads the database (it must see its
//! own writes).

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::{Exec, changes};

/// Cached rows by key (`"<entity>:<id>"`), each with the generation it was read at.
pub struct CatalogueReads {
    entries: moka::sync::Cache<String, (u64, Arc<Value>)>,
}

/// Where a read started: pass it to [`CatalogueReads::put`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl CatalogueReads {
    fn new(capacity: u64) -> Self {
        Self {
            entries: moka::sync::Cache::new(capacity),
        }
    }

    /// The cache every request shares.
    pub fn shared() -> &'static CatalogueReads {
        static SHARED: OnceLock<CatalogueReads> = OnceLock::new();
        SHARED.get_or_init(|| CatalogueReads::new(10_000))
    }

    /// Takes a ticket before reading from the database.
    pub fn ticket(&self) -> Ticket {
        Ticket(changes::generation())
    }

    /// The current entry for `key`, unless `exec` wrote catalogue tables.
    pub fn get(&self, exec: &Exec<'_>, key: &str) -> Option<Arc<Value>> {
        if exec.touched_catalogue() {
            return None;
        }
        let (generation, value) = self.entries.get(key)?;
        (generation == changes::generation()).then_some(value)
    }

    /// Keeps what was read since `ticket`, if nothing changed meanwhile.
    pub fn put(&self, exec: &Exec<'_>, ticket: Ticket, key: String, value: Value) {
        if exec.touched_catalogue() || changes::generation() != ticket.0 {
            return;
        }
        self.entries.insert(key, (ticket.0, Arc::new(value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;
    use serde_json::json;

    #[tokio::test]
    async fn an_entry_lives_until_the_catalogue_changes() {
        let config = crate::config::DatabaseConfig {
            url: crate::config::DatabaseUrl::SqliteMemory,
            pool_size: 1,
            ..Default::default()
        };
        let db = Database::connect(&config, true).await.unwrap();
        let cache = CatalogueReads::new(10);
        let exec = Exec::Db(&db);
        // Other tests of this process may bump the generation at any time.
        let kept = (0..100).any(|_| {
            let ticket = cache.ticket();
            cache.put(&exec, ticket, "region:reg_1".into(), json!({"id": "reg_1"}));
            cache.get(&exec, "region:reg_1").as_deref() == Some(&json!({"id": "reg_1"}))
        });
        assert!(kept, "an entry read at the current generation is served");
        changes::bump();
        assert!(
            cache.get(&exec, "region:reg_1").is_none(),
            "stale after a change"
        );

        let ticket = cache.ticket();
        changes::bump();
        cache.put(&exec, ticket, "region:reg_2".into(), json!({"id": "reg_2"}));
        assert!(
            cache.get(&exec, "region:reg_2").is_none(),
            "what was read during a change is not kept"
        );
    }
}
