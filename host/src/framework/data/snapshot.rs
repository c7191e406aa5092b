//! The descriptions a database was last migrated to, kept in `medusa_schema`
//! so that the next migration can be planned as a difference.

use serde::{Serialize, de::DeserializeOwned};

use crate::db::{Database, DbError, Transaction};

/// Kind of a stored description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotKind {
    Module,
    Link,
}

impl SnapshotKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Module => "module",
            Self::Link => "link",
        }
    }
}

/// Every stored description of `kind`, by name.
pub async fn load_all<T: DeserializeOwned>(
    db: &Database,
    kind: SnapshotKind,
) -> Result<Vec<(String, T)>, DbError> {
    let rows: Vec<(String, String)> = match db {
        Database::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT name, definition FROM medusa_schema WHERE kind = $1 ORDER BY name",
            )
            .bind(kind.as_str())
            .fetch_all(pool)
            .await?
        }
        Database::Postgres(pool) => {
            sqlx::query_as(
                "SELECT name, definition FROM medusa_schema WHERE kind = $1 ORDER BY name",
            )
            .bind(kind.as_str())
            .fetch_all(pool)
            .await?
        }
    };
    rows.into_iter()
        .map(|(name, def)| {
            serde_json::from_str(&def)
                .map(|value| (name.clone(), value))
                .map_err(|e| {
                    DbError::Build(format!("stored description of {name} is unreadable: {e}"))
                })
        })
        .collect()
}

/// Stores (or replaces) one description inside `tx`.
pub async fn store<T: Serialize>(
    tx: &mut Transaction,
    kind: SnapshotKind,
    name: &str,
    def: &T,
) -> Result<(), DbError> {
    let json = serde_json::to_string(def).map_err(|e| DbError::Build(e.to_string()))?;
    const UPSERT: &str = "INSERT INTO medusa_schema (kind, name, definition) VALUES ($1, $2, $3) \
         ON CONFLICT (kind, name) DO UPDATE SET definition = excluded.definition, updated_at = CURRENT_TIMESTAMP";
    tx.execute_raw(UPSERT, &[kind.as_str(), name, &json])
        .await?;
    Ok(())
}

/// Forgets one description inside `tx`.
pub async fn remove(tx: &mut Transaction, kind: SnapshotKind, name: &str) -> Result<(), DbError> {
    tx.execute_raw(
        "DELETE FROM medusa_schema WHERE kind = $1 AND name = $2",
        &[kind.as_str(), name],
    )
    .await?;
    Ok(())
}
