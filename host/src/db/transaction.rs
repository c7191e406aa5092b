//! A transaction on either dialect, executing sea-query statements.

use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_binder::SqlxBinder;
use serde_json::{Map, Value};
use sqlx::Row;

use super::codec::{ColumnSpec, decode_postgres, decode_sqlite};

use super::{DbError, changes};

/// An open transaction. Dropping it without [`Transaction::commit`] rolls back.
pub struct Transaction {
    pub(super) inner: Inner,
    /// The most a statement of it may have changed (see [`changes`]).
    touched: changes::Reach,
}

/// The dialect's own transaction.
pub(super) enum Inner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Transaction {
    pub(super) fn new(inner: Inner) -> Self {
        Self {
            inner,
            touched: changes::Reach::Volatile,
        }
    }

    /// Runs a statement (insert, update, delete) and returns the rows affected.
    pub async fn execute<S: SqlxBinder>(&mut self, statement: &S) -> Result<u64, DbError> {
        let affected = match &mut self.inner {
            Inner::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                self.touched = note(self.touched, &sql);
                sqlx::query_with(&sql, values)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
            }
            Inner::Postgres(tx) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                self.touched = note(self.touched, &sql);
                sqlx::query_with(&sql, values)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
            }
        };
        Ok(affected)
    }

    /// Runs a write with `RETURNING` (insert, update) and decodes the rows
    /// it returns with `columns` (in returning order).
    pub async fn write_returning<S: SqlxBinder>(
        &mut self,
        statement: &S,
        columns: &[ColumnSpec],
    ) -> Result<Vec<Map<String, Value>>, DbError> {
        match &mut self.inner {
            Inner::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                self.touched = note(self.touched, &sql);
                let rows = sqlx::query_with(&sql, values).fetch_all(&mut **tx).await?;
                rows.iter().map(|r| decode_sqlite(r, columns)).collect()
            }
            Inner::Postgres(tx) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                self.touched = note(self.touched, &sql);
                let rows = sqlx::query_with(&sql, values).fetch_all(&mut **tx).await?;
                rows.iter().map(|r| decode_postgres(r, columns)).collect()
            }
        }
    }

    /// Runs a query whose first column of the first row is an integer (a count).
    pub async fn fetch_i64<S: SqlxBinder>(&mut self, statement: &S) -> Result<i64, DbError> {
        let value = match &mut self.inner {
            Inner::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get(0)?
            }
            Inner::Postgres(tx) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(&sql, values)
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get(0)?
            }
        };
        Ok(value)
    }

    /// Runs raw SQL with text parameters (`$1`, `$2`, ... on both dialects).
    pub async fn execute_raw(&mut self, sql: &str, params: &[&str]) -> Result<u64, DbError> {
        self.touched = note(self.touched, sql);
        let affected = match &mut self.inner {
            Inner::Sqlite(tx) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = q.bind(*p);
                }
                q.execute(&mut **tx).await?.rows_affected()
            }
            Inner::Postgres(tx) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = q.bind(*p);
                }
                q.execute(&mut **tx).await?.rows_affected()
            }
        };
        Ok(affected)
    }

    /// Whether a statement of this transaction wrote a catalogue table.
    pub fn touched_catalogue(&self) -> bool {
        self.touched == changes::Reach::Catalogue
    }

    /// Whether a statement of this transaction wrote a promotion (or catalogue) table.
    pub fn touched_promotions(&self) -> bool {
        self.touched >= changes::Reach::Promotion
    }

    pub fn dialect(&self) -> super::Dialect {
        match self.inner {
            Inner::Sqlite(_) => super::Dialect::Sqlite,
            Inner::Postgres(_) => super::Dialect::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self.inner {
            Inner::Sqlite(tx) => tx.commit().await?,
            Inner::Postgres(tx) => tx.commit().await?,
        }
        changes::finished(self.touched);
        Ok(())
    }
}

/// Moves the generations for the first write of a transaction that reaches
/// further than what it wrote so far; the most it has reached now.
fn note(already: changes::Reach, sql: &str) -> changes::Reach {
    let reach = changes::reach(sql);
    if reach > already {
        changes::starting(reach);
        reach
    } else {
        already
    }
}
