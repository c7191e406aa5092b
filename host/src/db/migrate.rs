//! Core schema migrations from `migrations/<dialect>/`, embedded at build time,
//! applied one at a time under the database's migration lock (so that several
//! hosts starting together apply each exactly once) and recorded in
//! `_sqlx_migrations`.

use sqlx::migrate::{Migrate, Migration, Migrator};

use super::{Database, DbError};

static SQLITE: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("../migrations/postgres");

/// Whether one migration has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationState {
    Applied,
    Pending,
    /// Applied, but the file changed since: the database and the code disagree.
    Modified,
}

/// One migration and its state.
#[derive(Debug, Clone)]
pub struct MigrationStatus {
    pub version: i64,
    pub description: String,
    pub state: MigrationState,
}

impl Database {
    fn migrator(&self) -> &'static Migrator {
        match self {
            Self::Sqlite(_) => &SQLITE,
            Self::Postgres(_) => &POSTGRES,
        }
    }

    /// Lists every known migration with its state, without changing anything.
    pub async fn migration_status(&self) -> Result<Vec<MigrationStatus>, DbError> {
        let applied = self.applied_migrations().await?;
        Ok(self
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .map(|m| MigrationStatus {
                version: m.version,
                description: m.description.to_string(),
                state: match applied.iter().find(|(v, _)| *v == m.version) {
                    None => MigrationState::Pending,
                    Some((_, checksum)) if *checksum == *m.checksum => MigrationState::Applied,
                    Some(_) => MigrationState::Modified,
                },
            })
            .collect())
    }

    /// Number of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<usize, DbError> {
        Ok(self
            .migration_status()
            .await?
            .iter()
            .filter(|m| m.state == MigrationState::Pending)
            .count())
    }

    /// Applies the pending migrations in order, calling `on_applied` after each.
    /// Returns how many were applied.
    pub async fn migrate(&self, mut on_applied: impl FnMut(&Migration)) -> Result<usize, DbError> {
        let migrator = self.migrator();
        let mut count = 0;
        macro_rules! run {
            ($pool:expr) => {{
                let mut conn = $pool.acquire().await?;
                conn.ensure_migrations_table().await?;
                conn.lock().await?;
                let result = async {
                    let applied = conn.list_applied_migrations().await?;
                    for migration in migrator
                        .iter()
                        .filter(|m| m.migration_type.is_up_migration())
                    {
                        match applied.iter().find(|a| a.version == migration.version) {
                            Some(a) if a.checksum != migration.checksum => {
                                return Err(sqlx::migrate::MigrateError::VersionMismatch(
                                    migration.version,
                                ));
                            }
                            Some(_) => {}
                            None => {
                                conn.apply(migration).await?;
                                count += 1;
                                on_applied(migration);
                            }
                        }
                    }
                    Ok(())
                }
                .await;
                conn.unlock().await?;
                result?;
            }};
        }
        match self {
            Self::Sqlite(pool) => run!(pool),
            Self::Postgres(pool) => run!(pool),
        }
        Ok(count)
    }

    async fn applied_migrations(&self) -> Result<Vec<(i64, Vec<u8>)>, DbError> {
        const LIST: &str =
            "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version";
        let rows = match self {
            Self::Sqlite(pool) => {
                let exists: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_optional(pool)
                .await?;
                if exists.is_none() {
                    return Ok(Vec::new());
                }
                sqlx::query_as(LIST).fetch_all(pool).await?
            }
            Self::Postgres(pool) => {
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
                        .fetch_one(pool)
                        .await?;
                if exists.is_none() {
                    return Ok(Vec::new());
                }
                sqlx::query_as(LIST).fetch_all(pool).await?
            }
        };
        Ok(rows)
    }
}
