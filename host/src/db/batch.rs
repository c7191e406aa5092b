//! Several writes in one round trip. On PostgreSQL the leading writes become
//! data-modifying CTEs of the last one (`WITH write_0 AS (INSERT …),
//! write_1 AS (UPDATE …) INSERT …`), one statement that commits or fails as a
//! whole. SQLite has no such CTEs and runs them in turn (in-process, each
//! costs no round trip); callers batch inside a transaction.

use sea_query::{
    Alias, CommonTableExpression, DeleteStatement, InsertStatement, UpdateStatement, WithClause,
};

use super::{DbError, Dialect, Exec};

/// One write of a batch. On PostgreSQL the writes of a batch see one
/// snapshot and run in no set order: none may depend on another's effect
/// (a foreign key to a row inserted in the same batch is fine).
#[derive(Debug, Clone)]
pub enum Write {
    Insert(InsertStatement),
    Update(UpdateStatement),
    Delete(DeleteStatement),
}

impl From<InsertStatement> for Write {
    fn from(statement: InsertStatement) -> Self {
        Self::Insert(statement)
    }
}

impl From<UpdateStatement> for Write {
    fn from(statement: UpdateStatement) -> Self {
        Self::Update(statement)
    }
}

impl From<DeleteStatement> for Write {
    fn from(statement: DeleteStatement) -> Self {
        Self::Delete(statement)
    }
}

impl Exec<'_> {
    /// Runs `writes` in order, in one statement where the dialect allows.
    pub async fn write_all(&mut self, mut writes: Vec<Write>) -> Result<(), DbError> {
        if self.dialect() == Dialect::Sqlite || writes.len() < 2 {
            for write in writes {
                match write {
                    Write::Insert(s) => self.execute(&s).await?,
                    Write::Update(s) => self.execute(&s).await?,
                    Write::Delete(s) => self.execute(&s).await?,
                };
            }
            return Ok(());
        }
        let Some(last) = writes.pop() else {
            return Ok(());
        };
        let mut with = WithClause::new();
        for (i, write) in writes.into_iter().enumerate() {
            let mut cte = CommonTableExpression::new();
            cte.table_name(Alias::new(format!("write_{i}")));
            match write {
                Write::Insert(s) => cte.query(s),
                Write::Update(s) => cte.query(s),
                Write::Delete(s) => cte.query(s),
            };
            with.cte(cte);
        }
        let statement = match last {
            Write::Insert(s) => with.query(s),
            Write::Update(s) => with.query(s),
            Write::Delete(s) => with.query(s),
        };
        self.execute(&statement).await?;
        Ok(())
    }
}
