//! The outbox: events written in the same transaction as the change they
//! report, picked up by the dispatcher afterwards.

use serde_json::{Map, Value, json};

use crate::db::table::Table;
use sea_query::InsertStatement;

use crate::db::{ColumnKind as K, DbError, Dialect, Exec};
use crate::framework::id::generate_id;

pub(super) const OUTBOX: Table = Table {
    name: "event_outbox",
    columns: &[
        ("id", K::Text),
        ("name", K::Text),
        ("data", K::Json),
        ("metadata", K::Json),
        ("status", K::Text),
        ("created_at", K::Timestamp),
    ],
};

/// Who will handle events. An event nobody handles is written already
/// dispatched, so the dispatcher has no round to run for it.
pub trait Audience: Send + Sync {
    /// True when some subscriber (or another host, through a relay) may
    /// handle events named `name`.
    fn hears(&self, name: &str) -> bool;
}

/// Writes an event into the outbox inside `exec` (a transaction, normally):
/// pending delivery when `heard`, else already dispatched. Returns its id.
pub async fn insert(
    exec: &mut Exec<'_>,
    name: &str,
    data: &Value,
    heard: bool,
) -> Result<String, DbError> {
    let id = generate_id("evt");
    let row = row(&id, name, data, heard);
    let dialect = exec.dialect();
    exec.execute(&OUTBOX.insert(&row, dialect)?).await?;
    Ok(id)
}

/// The statement writing several events `(name, data, heard)` into the
/// outbox, to run with other writes ([`crate::db::Write`]); `None` when
/// there are none.
pub fn insert_many(
    events: &[(&str, &Value, bool)],
    dialect: Dialect,
) -> Result<Option<InsertStatement>, DbError> {
    if events.is_empty() {
        return Ok(None);
    }
    let rows: Vec<Map<String, Value>> = events
        .iter()
        .map(|(name, data, heard)| row(&generate_id("evt"), name, data, *heard))
        .collect();
    OUTBOX.insert_many(&rows, dialect).map(Some)
}

fn row(id: &str, name: &str, data: &Value, heard: bool) -> Map<String, Value> {
    let status = if heard { "pending" } else { "dispatched" };
    json!({ "id": id, "name": name, "data": data, "status": status })
        .as_object()
        .cloned()
        .unwrap_or_default()
}
