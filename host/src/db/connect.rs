//! Opening the pool for the configured database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use super::transaction::Inner;
use super::{DbError, Transaction};
use crate::config::{DatabaseConfig, DatabaseUrl};

/// The SQL dialect behind a [`Database`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection pool to SQLite or PostgreSQL. Cloning is cheap.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Database {
    /// Connects to the configured database. With `create`, a missing SQLite file
    /// or PostgreSQL database is created first.
    pub async fn connect(config: &DatabaseConfig, create: bool) -> Result<Self, DbError> {
        let shown = config.url.to_string();
        match &config.url {
            DatabaseUrl::Sqlite(path) => {
                if let (true, Some(dir)) = (create, path.parent()) {
                    std::fs::create_dir_all(dir).map_err(|e| DbError::Create {
                        url: shown.clone(),
                        source: sqlx::Error::Io(e),
                    })?;
                }
                let options = sqlite_options().filename(path).create_if_missing(create);
                let pool = SqlitePoolOptions::new()
                    .max_connections(config.pool_size.max(1))
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|source| DbError::Connect { url: shown, source })?;
                Ok(Self::Sqlite(pool))
            }
            DatabaseUrl::SqliteMemory => {
                // Every in-memory connection is its own database: keep exactly one.
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(sqlite_options().in_memory(true))
                    .await
                    .map_err(|source| DbError::Connect { url: shown, source })?;
                Ok(Self::Sqlite(pool))
            }
            DatabaseUrl::Postgres(url) => {
                if create && !sqlx::Postgres::database_exists(url).await.unwrap_or(true) {
                    sqlx::Postgres::create_database(url)
                        .await
                        .map_err(|source| DbError::Create {
                            url: shown.clone(),
                            source,
                        })?;
                    tracing::info!(database = %shown, "created database");
                }
                // The data layer builds a few hundred distinct statements;
                // each connection keeps all of them prepared instead of
                // evicting (and parsing again) past sqlx's default 100.
                let options = PgConnectOptions::from_str(url)
                    .map_err(|source| DbError::Connect {
                        url: shown.clone(),
                        source,
                    })?
                    .statement_cache_capacity(2_000)
                    // Plan each prepared statement once per connection, not
                    // five times (PostgreSQL's custom plans before it tries a
                    // generic one): the data layer's statements are the same
                    // shapes with other ids, and a pool spreads them over many
                    // connections, each of which would pay those plannings.
                    .options([("plan_cache_mode", "force_generic_plan")]);
                // No ping before each acquire: it is a round trip per query,
                // and a dead connection fails its query and is dropped anyway.
                let pool = PgPoolOptions::new()
                    .max_connections(config.pool_size.max(1))
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|source| DbError::Connect { url: shown, source })?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite(_) => Dialect::Sqlite,
            Self::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Starts a transaction: the normal way to write.
    pub async fn begin(&self) -> Result<Transaction, DbError> {
        Ok(match self {
            // IMMEDIATE: take the write lock up front, so concurrent writers wait
            // (busy timeout) instead of failing when a read would upgrade.
            Self::Sqlite(pool) => {
                Transaction::new(Inner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?))
            }
            Self::Postgres(pool) => Transaction::new(Inner::Postgres(pool.begin().await?)),
        })
    }

    /// Starts a transaction whose commit does not wait for the write-ahead
    /// log to reach the disk (PostgreSQL `synchronous_commit = off`, for
    /// this transaction only): it stays atomic and is visible at once, but a
    /// database crash right after may undo it. SQLite: as [`Self::begin`].
    pub async fn begin_relaxed(&self) -> Result<Transaction, DbError> {
        match self {
            Self::Sqlite(_) => self.begin().await,
            // One round trip: BEGIN and SET LOCAL go as one simple query.
            Self::Postgres(pool) => Ok(Transaction::new(Inner::Postgres(
                pool.begin_with("BEGIN; SET LOCAL synchronous_commit = off")
                    .await?,
            ))),
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop)?,
            Self::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop)?,
        }
        Ok(())
    }

    /// Closes every connection, waiting for those in use to come back.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

fn sqlite_options() -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
}
