//! A transaction on either dialect, executing sea-query statements.

use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_binder::SqlxBinder;
use sqlx::Row;

use super::DbError;

/// An open transaction. Dropping it without [`Transaction::commit`] rolls back.
pub enum Transaction {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Transaction {
    /// Runs a statement (insert, update, delete) and returns the rows affected.
    pub async fn execute<S: SqlxBinder>(&mut self, statement: &S) -> Result<u64, DbError> {
        let affected = match self {
            Self::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
            }
            Self::Postgres(tx) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
            }
        };
        Ok(affected)
    }

    /// Runs a query whose first column of the first row is an integer (a count).
    pub async fn fetch_i64<S: SqlxBinder>(&mut self, statement: &S) -> Result<i64, DbError> {
        let value = match self {
            Self::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get(0)?
            }
            Self::Postgres(tx) => {
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
        let affected = match self {
            Self::Sqlite(tx) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = q.bind(*p);
                }
                q.execute(&mut **tx).await?.rows_affected()
            }
            Self::Postgres(tx) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = q.bind(*p);
                }
                q.execute(&mut **tx).await?.rows_affected()
            }
        };
        Ok(affected)
    }

    pub fn dialect(&self) -> super::Dialect {
        match self {
            Self::Sqlite(_) => super::Dialect::Sqlite,
            Self::Postgres(_) => super::Dialect::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
