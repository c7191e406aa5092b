//! Reading entities for routes: one graph query (with count for lists),
//! shaped into Medusa's envelopes.

use serde_json::{Map, Value};

use super::error::ApiError;
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::data::FindOptions;
use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;

/// Rows of `entity` and the total count.
pub async fn list(
    state: &AppState,
    entity: &str,
    fields: FieldTree,
    filters: Map<String, Value>,
    pagination: FindOptions,
) -> Result<(Vec<Value>, i64), ApiError> {
    let request = GraphRequest {
        entity: entity.into(),
        fields,
        filters: Value::Object(filters),
        pagination,
        count: true,
    };
    let result = state
        .runtime()
        .query
        .graph(&mut Exec::Db(state.db()), &request)
        .await?;
    Ok((
        result.data.into_iter().map(Value::Object).collect(),
        result.count.unwrap_or(0),
    ))
}

/// One row of `entity` matching `filters`, or `404 not_found` with `missing`.
pub async fn one(
    state: &AppState,
    entity: &str,
    fields: FieldTree,
    filters: Map<String, Value>,
    missing: String,
) -> Result<Value, ApiError> {
    let request = GraphRequest {
        entity: entity.into(),
        fields,
        filters: Value::Object(filters),
        pagination: FindOptions {
            limit: Some(1),
            ..Default::default()
        },
        count: false,
    };
    let result = state
        .runtime()
        .query
        .graph(&mut Exec::Db(state.db()), &request)
        .await?;
    result
        .data
        .into_iter()
        .next()
        .map(Value::Object)
        .ok_or_else(|| ApiError::not_found(missing))
}

/// `{ "id": id }`
pub fn by_id(id: &str) -> Map<String, Value> {
    [("id".to_owned(), Value::from(id))].into_iter().collect()
}
