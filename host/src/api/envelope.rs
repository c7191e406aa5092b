//! Response envelopes (§1.5): `{<singular>: …}`, `{<plural>: […], count,
//! offset, limit}` and delete confirmations.

use axum::Json;
use serde_json::{Value, json};

/// `{ key: value }`
pub fn one(key: &str, value: impl Into<Value>) -> Json<Value> {
    Json(json!({ key: value.into() }))
}

/// `{ key: [...], count, offset, limit }`
pub fn list(key: &str, items: Vec<Value>, count: i64, offset: u64, limit: u64) -> Json<Value> {
    Json(json!({ key: items, "count": count, "offset": offset, "limit": limit }))
}

/// `{ id, object, deleted: true, parent? }`
pub fn deleted(id: &str, object: &str, parent: Option<(&str, Value)>) -> Json<Value> {
    let mut body = json!({ "id": id, "object": object, "deleted": true });
    if let Some((_, parent)) = parent {
        body["parent"] = parent;
    }
    Json(body)
}
