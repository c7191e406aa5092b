//! Fixed tables of the framework (journal, outbox, jobs) described once:
//! statements built from JSON rows, values encoded for the dialect.

use sea_query::{
    Alias, Expr, InsertStatement, OnConflict, Query, SelectStatement, SimpleExpr, UpdateStatement,
};
use serde_json::{Map, Value};

use super::codec::{self, ColumnKind, ColumnSpec};
use super::{DbError, Dialect};

/// A table and its columns.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, ColumnKind)],
}

impl Table {
    /// Column specs for decoding `select()` rows.
    pub fn specs(&self) -> Vec<ColumnSpec> {
        self.columns
            .iter()
            .map(|(name, kind)| ColumnSpec {
                name: (*name).to_owned(),
                kind: *kind,
            })
            .collect()
    }

    /// `table.column`
    pub fn col(&self, column: &str) -> Expr {
        Expr::col((Alias::new(self.name), Alias::new(column)))
    }

    /// `SELECT <every column> FROM table`
    pub fn select(&self) -> SelectStatement {
        let mut select = Query::select();
        select.from(Alias::new(self.name));
        for (c, _) in self.columns {
            select.column((Alias::new(self.name), Alias::new(*c)));
        }
        select
    }

    fn encode(
        &self,
        row: &Map<String, Value>,
        dialect: Dialect,
    ) -> Result<Vec<(String, SimpleExpr)>, DbError> {
        row.iter()
            .map(|(key, value)| {
                let kind = self
                    .columns
                    .iter()
                    .find(|(c, _)| c == key)
                    .map(|(_, k)| *k)
                    .ok_or_else(|| DbError::Build(format!("{} has no column {key}", self.name)))?;
                let encoded = codec::encode(value, kind, dialect)
                    .map_err(|e| DbError::Build(format!("{}.{key}: {e}", self.name)))?;
                Ok((key.clone(), encoded.into()))
            })
            .collect()
    }

    /// `INSERT` of one row (the columns it has).
    pub fn insert(
        &self,
        row: &Map<String, Value>,
        dialect: Dialect,
    ) -> Result<InsertStatement, DbError> {
        let values = self.encode(row, dialect)?;
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(self.name))
            .columns(values.iter().map(|(c, _)| Alias::new(c)))
            .values(values.into_iter().map(|(_, v)| v))
            .map_err(|e| DbError::Build(e.to_string()))?;
        Ok(insert)
    }

    /// `INSERT ... ON CONFLICT (key) DO UPDATE` of one row.
    pub fn upsert(
        &self,
        row: &Map<String, Value>,
        key: &[&str],
        dialect: Dialect,
    ) -> Result<InsertStatement, DbError> {
        self.upsert_many(std::slice::from_ref(row), key, dialect)
    }

    /// `INSERT ... ON CONFLICT (key) DO UPDATE` of several rows with the same columns.
    pub fn upsert_many(
        &self,
        rows: &[Map<String, Value>],
        key: &[&str],
        dialect: Dialect,
    ) -> Result<InsertStatement, DbError> {
        let mut insert = self.insert_many(rows, dialect)?;
        if let Some(first) = rows.first() {
            let updated: Vec<Alias> = first
                .keys()
                .filter(|k| !key.contains(&k.as_str()))
                .map(Alias::new)
                .collect();
            insert.on_conflict(
                OnConflict::columns(key.iter().map(|k| Alias::new(*k)))
                    .update_columns(updated)
                    .to_owned(),
            );
        }
        Ok(insert)
    }

    /// `INSERT` of several rows with the same columns.
    pub fn insert_many(
        &self,
        rows: &[Map<String, Value>],
        dialect: Dialect,
    ) -> Result<InsertStatement, DbError> {
        let Some(first) = rows.first() else {
            return Err(DbError::Build(format!("{}: no rows to insert", self.name)));
        };
        let mut insert = self.insert(first, dialect)?;
        for row in &rows[1..] {
            if row.len() != first.len() || row.keys().any(|k| !first.contains_key(k)) {
                return Err(DbError::Build(format!(
                    "{}: rows differ in columns",
                    self.name
                )));
            }
            let values = self.encode(row, dialect)?;
            let by_name: std::collections::HashMap<String, SimpleExpr> =
                values.into_iter().collect();
            let ordered: Vec<SimpleExpr> = first
                .keys()
                .filter_map(|k| by_name.get(k).cloned())
                .collect();
            insert
                .values(ordered)
                .map_err(|e| DbError::Build(e.to_string()))?;
        }
        Ok(insert)
    }

    /// `UPDATE table SET ...` (add the `WHERE`).
    pub fn update(
        &self,
        set: &Map<String, Value>,
        dialect: Dialect,
    ) -> Result<UpdateStatement, DbError> {
        let values = self.encode(set, dialect)?;
        let mut update = Query::update();
        update
            .table(Alias::new(self.name))
            .values(values.into_iter().map(|(c, v)| (Alias::new(c), v)));
        Ok(update)
    }
}

/// Now, as the timestamp text rows carry.
pub fn now_value() -> Value {
    Value::String(codec::format_timestamp(chrono::Utc::now()))
}
