//! The outbox: events written in the same transaction as the change they
//! report, picked up by the dispatcher afterwards.

use serde_json::{Map, Value, json};

use crate::db::table::Table;
use crate::db::{ColumnKind as K, DbError, Exec};
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

/// Writes an event into the outbox inside `exec` (a transaction, normally).
/// Returns its id.
pub async fn insert(exec: &mut Exec<'_>, name: &str, data: &Value) -> Result<String, DbError> {
    let id = generate_id("evt");
    let row: Map<String, Value> =
        json!({ "id": id, "name": name, "data": data, "status": "pending" })
            .as_object()
            .cloned()
            .unwrap_or_default();
    let dialect = exec.dialect();
    exec.execute(&OUTBOX.insert(&row, dialect)?).await?;
    Ok(id)
}
