//! Creating, dismissing and listing module links, and what a deletion does to
//! them (dismiss, or cascade to the linked rows where the link says so).

use sea_query::{Alias, Expr, Query};
use serde_json::{Map, Value};

use crate::db::{ColumnKind, ColumnSpec, DbError, Exec, Write};
use crate::framework::data::ServiceError;
use crate::framework::dml::LinkDef;
use crate::framework::id::generate_id;
use crate::framework::modules::Registry;

/// A link between one row of each side, named by model: `product` `prod_1`
/// <-> `brand` `brand_1` (in either order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub from_model: String,
    pub from_id: String,
    pub to_model: String,
    pub to_id: String,
    /// Values of the link's extra columns (e.g. `required_quantity`).
    pub data: Map<String, Value>,
}

impl LinkRef {
    pub fn new(from_model: &str, from_id: &str, to_model: &str, to_id: &str) -> Self {
        Self {
            from_model: from_model.into(),
            from_id: from_id.into(),
            to_model: to_model.into(),
            to_id: to_id.into(),
            data: Map::new(),
        }
    }

    /// Sets values of the link's extra columns.
    pub fn with_data(mut self, data: Map<String, Value>) -> Self {
        self.data = data;
        self
    }
}

/// A JSON value as a SQL value for an extra column.
fn sql_value(value: &Value) -> sea_query::Value {
    match value {
        Value::Null => sea_query::Value::String(None),
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or_default().into(),
        },
        Value::String(s) => s.clone().into(),
        other => other.to_string().into(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("no link is defined between {0} and {1}")]
    Undefined(String, String),
    #[error("the link between {0} and {1} has no column {2}")]
    UnknownColumn(String, String, String),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Db(#[from] DbError),
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// Finds the link and orders the ref as (left id, right id).
fn resolve<'r>(
    registry: &'r Registry,
    r: &LinkRef,
) -> Result<(&'r LinkDef, String, String), LinkError> {
    for link in registry.links() {
        if link.left.model == r.from_model && link.right.model == r.to_model {
            return Ok((link, r.from_id.clone(), r.to_id.clone()));
        }
        if link.right.model == r.from_model && link.left.model == r.to_model {
            return Ok((link, r.to_id.clone(), r.from_id.clone()));
        }
    }
    Err(LinkError::Undefined(
        r.from_model.clone(),
        r.to_model.clone(),
    ))
}

/// Creates links. Where a side takes a single row (not `is_list`), the new
/// link replaces the existing one for that row.
pub async fn create(
    exec: &mut Exec<'_>,
    registry: &Registry,
    refs: &[LinkRef],
) -> Result<(), LinkError> {
    for r in refs {
        for write in link_writes(registry, r)? {
            match write {
                Write::Delete(s) => exec.execute(&s).await?,
                Write::Insert(s) => exec.execute(&s).await?,
                Write::Update(s) => exec.execute(&s).await?,
            };
        }
    }
    Ok(())
}

/// The writes of [`create`] as one batch, for links from rows created in
/// the same transaction: no such pair can exist yet, so the replacing
/// deletes and the inserts do not depend on each other's order and may run
/// as one statement ([`Exec::write_all`]).
pub fn create_new_writes(registry: &Registry, refs: &[LinkRef]) -> Result<Vec<Write>, LinkError> {
    let mut writes = Vec::new();
    for r in refs {
        writes.extend(link_writes(registry, r)?);
    }
    Ok(writes)
}

/// What linking `r` writes, in order: deletes of the links it replaces, then
/// its insert.
fn link_writes(registry: &Registry, r: &LinkRef) -> Result<Vec<Write>, LinkError> {
    let (link, left_id, right_id) = resolve(registry, r)?;
    let table = link.table();
    let (lc, rc) = (link.left.column(), link.right.column());
    let mut writes = Vec::new();
    // Right side single: a left row links to at most one right row (and
    // the other way round); both in one statement.
    let mut replaced = sea_query::Cond::any();
    if !link.right.is_list {
        replaced = replaced.add(col(&table, &lc).eq(left_id.clone()));
    }
    if !link.left.is_list {
        replaced = replaced.add(col(&table, &rc).eq(right_id.clone()));
    }
    if !replaced.is_empty() {
        let mut del = Query::delete();
        del.from_table(Alias::new(&table)).cond_where(replaced);
        writes.push(del.into());
    }
    if link.left.is_list && link.right.is_list && !r.data.is_empty() {
        // Linking the same pair again replaces its extra values.
        let mut del = Query::delete();
        del.from_table(Alias::new(&table))
            .and_where(col(&table, &lc).eq(left_id.clone()))
            .and_where(col(&table, &rc).eq(right_id.clone()));
        writes.push(del.into());
    }
    let mut columns = vec![Alias::new("id"), Alias::new(&lc), Alias::new(&rc)];
    let mut values: Vec<sea_query::SimpleExpr> = vec![
        generate_id(link.id_prefix()).into(),
        left_id.into(),
        right_id.into(),
    ];
    for (name, value) in &r.data {
        if !link.extra_columns.iter().any(|c| &c.name == name) {
            return Err(LinkError::UnknownColumn(
                r.from_model.clone(),
                r.to_model.clone(),
                name.clone(),
            ));
        }
        columns.push(Alias::new(name));
        values.push(sea_query::SimpleExpr::Value(sql_value(value)));
    }
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new(&table))
        .columns(columns)
        .values(values)
        .map_err(|e| DbError::Build(e.to_string()))?;
    writes.push(insert.into());
    Ok(writes)
}

/// Removes links.
pub async fn dismiss(
    exec: &mut Exec<'_>,
    registry: &Registry,
    refs: &[LinkRef],
) -> Result<u64, LinkError> {
    let mut removed = 0;
    for r in refs {
        let (link, left_id, right_id) = resolve(registry, r)?;
        let table = link.table();
        let mut del = Query::delete();
        del.from_table(Alias::new(&table))
            .and_where(col(&table, &link.left.column()).eq(left_id))
            .and_where(col(&table, &link.right.column()).eq(right_id));
        removed += exec.execute(&del).await?;
    }
    Ok(removed)
}

/// The ids `model` row `id` is linked to, per linked model.
pub async fn list(
    exec: &mut Exec<'_>,
    registry: &Registry,
    model: &str,
    id: &str,
) -> Result<Map<String, Value>, LinkError> {
    let ends = registry.links_of(model);
    // One statement over every link table: `(end index, linked id)` rows.
    let mut selects = ends.iter().enumerate().map(|(i, end)| {
        let table = end.link.table();
        let mut select = Query::select();
        select
            .expr_as(
                Expr::val(i.to_string()).cast_as(Alias::new("TEXT")),
                Alias::new("link_end"),
            )
            .expr_as(
                Expr::col((Alias::new(&table), Alias::new(end.other.column()))),
                Alias::new("linked_id"),
            )
            .from(Alias::new(&table))
            .and_where(col(&table, &end.this.column()).eq(id))
            .and_where(col(&table, "deleted_at").is_null());
        select
    });
    let Some(mut union) = selects.next() else {
        return Ok(Map::new());
    };
    for select in selects {
        union.union(sea_query::UnionType::All, select);
    }
    let spec = |name: &str| ColumnSpec {
        name: name.to_owned(),
        kind: ColumnKind::Text,
    };
    let rows = exec
        .fetch(&union, &[spec("link_end"), spec("linked_id")])
        .await?;
    let mut per_end: Vec<Vec<Value>> = vec![Vec::new(); ends.len()];
    for mut row in rows {
        let end = row.get("link_end").and_then(Value::as_str);
        if let (Some(ids), Some(id)) = (
            end.and_then(|e| e.parse::<usize>().ok())
                .and_then(|i| per_end.get_mut(i)),
            row.remove("linked_id"),
        ) {
            ids.push(id);
        }
    }
    let mut out = Map::new();
    for (end, ids) in ends.iter().zip(per_end) {
        out.insert(end.other.model.clone(), Value::Array(ids));
    }
    Ok(out)
}

/// After rows of `model` were deleted: dismisses their links and, where this
/// side has `delete_cascade`, soft-deletes the linked rows of the other side.
pub async fn on_deleted(
    exec: &mut Exec<'_>,
    registry: &Registry,
    model: &str,
    ids: &[String],
) -> Result<(), LinkError> {
    if ids.is_empty() {
        return Ok(());
    }
    for end in registry.links_of(model) {
        let table = end.link.table();
        let (this_col, other_col) = (end.this.column(), end.other.column());
        if end.this.delete_cascade {
            let mut select = Query::select();
            select
                .column((Alias::new(&table), Alias::new(&other_col)))
                .from(Alias::new(&table))
                .and_where(col(&table, &this_col).is_in(ids.to_vec()));
            let rows = exec
                .fetch(
                    &select,
                    &[ColumnSpec {
                        name: other_col.clone(),
                        kind: ColumnKind::Text,
                    }],
                )
                .await?;
            let linked: Vec<String> = rows
                .iter()
                .filter_map(|r| r.get(&other_col)?.as_str().map(str::to_owned))
                .collect();
            if let Some((module, _)) = registry.entity(&end.other.model)
                && let Some(service) = registry.service(&module.name)
            {
                service.soft_delete(exec, &end.other.model, &linked).await?;
            }
        }
        let mut del = Query::delete();
        del.from_table(Alias::new(&table))
            .and_where(col(&table, &this_col).is_in(ids.to_vec()));
        exec.execute(&del).await?;
    }
    Ok(())
}
