//! Brings the indexes of tables made by older versions in line with
//! today's, once, in the migration that finds them:
//! - a table's soft-delete index used to hold every row (see
//!   [`ddl::soft_delete_index`] for why it no longer does): rebuilt;
//! - a link table had no index of its own on its left column, so replacing
//!   or dismissing a row's links scanned the whole table: created.

use crate::db::{Database, DbError, Transaction};
use crate::framework::data::ddl;

use super::Registry;

/// One index to bring up to date: what `db migrate` reports, and its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexUpgrade {
    pub description: String,
    pub sql: Vec<String>,
}

/// Every index of the database, by name, with its definition.
async fn index_definitions(db: &Database) -> Result<Vec<(String, String)>, DbError> {
    Ok(match db {
        Database::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
            )
            .fetch_all(pool)
            .await?
        }
        Database::Postgres(pool) => sqlx::query_as(
            "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
        )
        .fetch_all(pool)
        .await?,
    })
}

/// The index upgrades the model and link tables of `registry` need. Tables
/// that do not exist yet are left to the migration that creates them.
pub async fn pending(db: &Database, registry: &Registry) -> Result<Vec<IndexUpgrade>, DbError> {
    let definitions = index_definitions(db).await?;
    let has = |name: &str| definitions.iter().any(|(n, _)| n == name);
    let tables = registry
        .modules()
        .flat_map(|m| m.models.iter().map(|model| model.table.clone()))
        .chain(registry.links().iter().map(|l| l.table()));
    let mut out: Vec<IndexUpgrade> = tables
        .filter(|table| {
            let name = ddl::index_name(table, &["deleted_at"], false);
            definitions
                .iter()
                .any(|(n, def)| *n == name && !ddl::is_soft_delete_index(def))
        })
        .map(|table| IndexUpgrade {
            description: format!("index only the soft-deleted rows of {table} by deleted_at"),
            sql: vec![
                format!(
                    "DROP INDEX {}",
                    ddl::quote(&ddl::index_name(&table, &["deleted_at"], false))
                ),
                ddl::soft_delete_index(&table),
            ],
        })
        .collect();
    for link in registry.links() {
        let (table, left) = (link.table(), link.left.column());
        // A table with its soft-delete index exists; one without is new.
        let exists = has(&ddl::index_name(&table, &["deleted_at"], false));
        if exists && !has(&ddl::index_name(&table, &[&left], false)) {
            out.push(IndexUpgrade {
                description: format!("index {table} by {left}"),
                sql: vec![ddl::index(&table, &[&left], false)],
            });
        }
    }
    Ok(out)
}

/// Applies `upgrades` inside `tx`.
pub async fn apply(tx: &mut Transaction, upgrades: &[IndexUpgrade]) -> Result<(), DbError> {
    for upgrade in upgrades {
        for sql in &upgrade.sql {
            tx.execute_raw(sql, &[]).await?;
        }
    }
    Ok(())
}
