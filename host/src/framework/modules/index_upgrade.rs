//! Brings the indexes of tables made by older versions in line with
//! today's: a table's soft-delete index used to hold every row (see
//! [`ddl::soft_delete_index`] for why it no longer does). Each such index
//! is rebuilt once, by the migration that finds it.

use crate::db::{Database, DbError, Transaction};
use crate::framework::data::ddl;

use super::Registry;

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

/// The model and link tables of `registry` whose soft-delete index still
/// holds every row.
pub async fn outdated_soft_delete_indexes(
    db: &Database,
    registry: &Registry,
) -> Result<Vec<String>, DbError> {
    let definitions = index_definitions(db).await?;
    let tables = registry
        .modules()
        .flat_map(|m| m.models.iter().map(|model| model.table.clone()))
        .chain(registry.links().iter().map(|l| l.table()));
    Ok(tables
        .filter(|table| {
            let name = ddl::index_name(table, &["deleted_at"], false);
            definitions
                .iter()
                .any(|(n, def)| *n == name && !ddl::is_soft_delete_index(def))
        })
        .collect())
}

/// Rebuilds the soft-delete index of each of `tables` inside `tx`.
pub async fn rebuild_soft_delete_indexes(
    tx: &mut Transaction,
    tables: &[String],
) -> Result<(), DbError> {
    for table in tables {
        let name = ddl::index_name(table, &["deleted_at"], false);
        tx.execute_raw(&format!("DROP INDEX {}", ddl::quote(&name)), &[])
            .await?;
        tx.execute_raw(&ddl::soft_delete_index(table), &[]).await?;
    }
    Ok(())
}
