//! Running sea-query statements on a pool or inside a transaction, with rows
//! decoded to JSON objects.

use sea_query::{PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder};
use sea_query_binder::SqlxBinder;
use serde_json::{Map, Value};

use super::codec::{ColumnSpec, decode_postgres, decode_sqlite};
use super::transaction::Inner;
use super::{Database, DbError, Dialect, Transaction};

/// Where a statement runs: straight on the pool (reads), or in a transaction.
pub enum Exec<'a> {
    Db(&'a Database),
    Tx(&'a mut Transaction),
}

impl Exec<'_> {
    pub fn dialect(&self) -> Dialect {
        match self {
            Self::Db(db) => db.dialect(),
            Self::Tx(tx) => tx.dialect(),
        }
    }

    /// Whether this runs in a transaction that wrote catalogue tables.
    pub fn touched_catalogue(&self) -> bool {
        match self {
            Self::Db(_) => false,
            Self::Tx(tx) => tx.touched_catalogue(),
        }
    }

    /// Whether this runs in a transaction that wrote promotion (or catalogue) tables.
    pub fn touched_promotions(&self) -> bool {
        match self {
            Self::Db(_) => false,
            Self::Tx(tx) => tx.touched_promotions(),
        }
    }

    /// Runs a select and decodes each row with `columns` (in select order).
    pub async fn fetch(
        &mut self,
        select: &SelectStatement,
        columns: &[ColumnSpec],
    ) -> Result<Vec<Map<String, Value>>, DbError> {
        match self {
            Self::Db(Database::Sqlite(pool)) => {
                let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
                let rows = sqlx::query_with(&sql, values).fetch_all(pool).await?;
                rows.iter().map(|r| decode_sqlite(r, columns)).collect()
            }
            Self::Db(Database::Postgres(pool)) => {
                let (sql, values) = select.build_sqlx(PostgresQueryBuilder);
                let rows = sqlx::query_with(&sql, values).fetch_all(pool).await?;
                rows.iter().map(|r| decode_postgres(r, columns)).collect()
            }
            Self::Tx(Transaction {
                inner: Inner::Sqlite(tx),
                ..
            }) => {
                let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
                let rows = sqlx::query_with(&sql, values).fetch_all(&mut **tx).await?;
                rows.iter().map(|r| decode_sqlite(r, columns)).collect()
            }
            Self::Tx(Transaction {
                inner: Inner::Postgres(tx),
                ..
            }) => {
                let (sql, values) = select.build_sqlx(PostgresQueryBuilder);
                let rows = sqlx::query_with(&sql, values).fetch_all(&mut **tx).await?;
                rows.iter().map(|r| decode_postgres(r, columns)).collect()
            }
        }
    }

    /// Runs a select whose first column of the first row is an integer.
    pub async fn fetch_i64(&mut self, select: &SelectStatement) -> Result<i64, DbError> {
        use sqlx::Row;
        Ok(match self {
            Self::Db(Database::Sqlite(pool)) => {
                let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .fetch_one(pool)
                    .await?
                    .try_get(0)?
            }
            Self::Db(Database::Postgres(pool)) => {
                let (sql, values) = select.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(&sql, values)
                    .fetch_one(pool)
                    .await?
                    .try_get(0)?
            }
            Self::Tx(tx) => return tx.fetch_i64(select).await,
        })
    }

    /// Runs an insert, update or delete. On the pool it is one autocommit
    /// statement (no `BEGIN`/`COMMIT` round trips).
    pub async fn execute<S: SqlxBinder>(&mut self, statement: &S) -> Result<u64, DbError> {
        match self {
            Self::Db(Database::Sqlite(pool)) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                let catalogue = autocommit_starts(&sql);
                let outcome = sqlx::query_with(&sql, values).execute(pool).await;
                autocommit_ends(catalogue);
                Ok(outcome?.rows_affected())
            }
            Self::Db(Database::Postgres(pool)) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                let catalogue = autocommit_starts(&sql);
                let outcome = sqlx::query_with(&sql, values).execute(pool).await;
                autocommit_ends(catalogue);
                Ok(outcome?.rows_affected())
            }
            Self::Tx(tx) => tx.execute(statement).await,
        }
    }

    /// Runs an insert or update with `RETURNING` and decodes the rows it
    /// returns with `columns`.
    pub async fn write_returning<S: SqlxBinder>(
        &mut self,
        statement: &S,
        columns: &[ColumnSpec],
    ) -> Result<Vec<Map<String, Value>>, DbError> {
        match self {
            Self::Db(Database::Sqlite(pool)) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                let catalogue = autocommit_starts(&sql);
                let outcome = sqlx::query_with(&sql, values).fetch_all(pool).await;
                autocommit_ends(catalogue);
                outcome?.iter().map(|r| decode_sqlite(r, columns)).collect()
            }
            Self::Db(Database::Postgres(pool)) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                let catalogue = autocommit_starts(&sql);
                let outcome = sqlx::query_with(&sql, values).fetch_all(pool).await;
                autocommit_ends(catalogue);
                outcome?
                    .iter()
                    .map(|r| decode_postgres(r, columns))
                    .collect()
            }
            Self::Tx(tx) => tx.write_returning(statement, columns).await,
        }
    }
}

/// Before an autocommit write: moves the generations the statement may
/// change (so nothing computed during it is kept).
fn autocommit_starts(sql: &str) -> super::changes::Reach {
    let reach = super::changes::reach(sql);
    super::changes::starting(reach);
    reach
}

/// After an autocommit write (committed or not): announces the change.
fn autocommit_ends(reach: super::changes::Reach) {
    super::changes::finished(reach);
}
