//! Expanding a link that carries extra columns: the field returns the link
//! rows (`{id, <left>_id, <right>_id, extra…}`), each with the linked record
//! nested under the other side's `record_field` when the tree asks for it,
//! as Medusa returns `variants.inventory_items[].{required_quantity, inventory}`.

use std::collections::HashMap;
use std::sync::Arc;

use sea_query::{Alias, Expr, Query as Sql};
use serde_json::Value;

use super::fields::FieldTree;
use crate::db::{ColumnKind, ColumnSpec, Exec};
use crate::framework::data::values::column_kind;
use crate::framework::data::{Row, ServiceError};
use crate::framework::dml::{ModelDef, ModuleDef};
use crate::framework::modules::LinkEnd;

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

fn spec(name: &str, kind: ColumnKind) -> ColumnSpec {
    ColumnSpec {
        name: name.to_owned(),
        kind,
    }
}

/// The link table's columns a row shows: id, both ends, extra columns, timestamps.
pub(super) fn columns(end: &LinkEnd<'_>) -> Vec<ColumnSpec> {
    let mut cols = vec![
        spec("id", ColumnKind::Text),
        spec(&end.link.left.column(), ColumnKind::Text),
        spec(&end.link.right.column(), ColumnKind::Text),
    ];
    cols.extend(
        end.link
            .extra_columns
            .iter()
            .map(|c| spec(&c.name, column_kind(&c.kind))),
    );
    cols.extend(["created_at", "updated_at", "deleted_at"].map(|c| spec(c, ColumnKind::Timestamp)));
    cols
}

/// Attaches to each of `rows` (records of the `end.this` side) its link rows under `name`.
pub(super) async fn expand(
    exec: &mut Exec<'_>,
    end: LinkEnd<'_>,
    other: (&Arc<ModuleDef>, &ModelDef),
    rows: &mut [Row],
    name: &str,
    tree: &FieldTree,
    query: &super::Query,
) -> Result<(), ServiceError> {
    let table = end.link.table();
    let (this_col, other_col) = (end.this.column(), end.other.column());
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
        .collect();
    let specs = columns(&end);
    let mut select = Sql::select();
    select
        .columns(
            specs
                .iter()
                .map(|c| (Alias::new(&table), Alias::new(&c.name))),
        )
        .from(Alias::new(&table))
        .and_where(crate::framework::data::filter::text_in(
            col(&table, &this_col),
            ids,
            exec.dialect(),
        ))
        .and_where(col(&table, "deleted_at").is_null())
        .order_by(
            (Alias::new(&table), Alias::new("id")),
            sea_query::Order::Asc,
        );
    let mut links = exec.fetch(&select, &specs).await?;
    let record_field = end.other.record_field();
    if let Some(subtree) = tree.relations.get(&record_field) {
        let mut other_ids: Vec<String> = links
            .iter()
            .filter_map(|l| l.get(&other_col)?.as_str().map(str::to_owned))
            .collect();
        other_ids.sort();
        other_ids.dedup();
        let records = query
            .service(other.0)
            .fetch_in(exec, other.1, "id", other_ids, subtree, Some(query))
            .await?;
        let by_id: HashMap<&str, &Row> = records
            .iter()
            .filter_map(|r| Some((r.get("id")?.as_str()?, r)))
            .collect();
        for link in &mut links {
            let record = link
                .get(&other_col)
                .and_then(Value::as_str)
                .and_then(|id| by_id.get(id))
                .map_or(Value::Null, |r| Value::Object((*r).clone()));
            link.insert(record_field.clone(), record);
        }
    }
    let wanted = |key: &str| {
        tree.scalars.contains("*")
            || tree.scalars.contains(key)
            || key == "id"
            || key == record_field
            || (tree.scalars.is_empty() && tree.relations.is_empty())
    };
    let mut grouped: HashMap<String, Vec<Value>> = HashMap::new();
    for mut link in links {
        let Some(owner) = link
            .get(&this_col)
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            continue;
        };
        link.retain(|k, _| wanted(k));
        grouped.entry(owner).or_default().push(Value::Object(link));
    }
    for row in rows.iter_mut() {
        let list = row
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| grouped.remove(id))
            .unwrap_or_default();
        let value = if end.other.is_list {
            Value::Array(list)
        } else {
            list.into_iter().next().unwrap_or(Value::Null)
        };
        row.insert(name.to_owned(), value);
    }
    Ok(())
}
