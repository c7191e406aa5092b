//! The query string of a list or retrieve route: `fields`, `limit`,
//! `offset`, `order`, and everything else as filters (qs-style, §1.4).

use serde_json::{Map, Value};

use super::error::ApiError;
use super::query_params::parse_query;
use crate::framework::data::{FindOptions, OrderBy};
use crate::framework::query::fields::{FieldTree, resolve_fields};

/// A parsed query string.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub fields: Option<String>,
    pub limit: Option<u64>,
    pub offset: u64,
    pub order: Option<String>,
    /// Every other parameter, as parsed.
    pub params: Map<String, Value>,
}

fn number(params: &Map<String, Value>, key: &str) -> Result<Option<u64>, ApiError> {
    match params.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
            ApiError::invalid_data(format!(
                "Invalid request: Expected type: 'number' for field '{key}', got: 'string'"
            ))
        }),
        Some(_) => Err(ApiError::invalid_data(format!(
            "Invalid request: Expected type: 'number' for field '{key}'"
        ))),
    }
}

fn text(params: &Map<String, Value>, key: &str) -> Option<String> {
    match params.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => None,
    }
}

impl ListQuery {
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let mut params = parse_query(raw.unwrap_or_default())
            .map_err(|e| ApiError::invalid_data(format!("Invalid request: {}", e.0)))?;
        let query = Self {
            fields: text(&params, "fields"),
            limit: number(&params, "limit")?,
            offset: number(&params, "offset")?.unwrap_or(0),
            order: text(&params, "order").filter(|o| !o.trim().is_empty()),
            params: Map::new(),
        };
        for key in ["fields", "limit", "offset", "order"] {
            params.remove(key);
        }
        Ok(Self { params, ..query })
    }

    /// The selection: the route's defaults changed by `fields`.
    pub fn field_tree(&self, defaults: &[&str]) -> FieldTree {
        resolve_fields(defaults, self.fields.as_deref())
    }

    /// Pagination for a list route whose default page size is `default_limit`.
    pub fn find_options(&self, default_limit: u64, default_order: Option<&str>) -> FindOptions {
        FindOptions {
            limit: Some(self.limit.unwrap_or(default_limit)),
            offset: self.offset,
            order: self
                .order
                .as_deref()
                .or(default_order)
                .map(OrderBy::parse)
                .into_iter()
                .collect(),
            ..Default::default()
        }
    }

    /// A single string parameter.
    pub fn param(&self, key: &str) -> Option<String> {
        text(&self.params, key).filter(|s| !s.is_empty())
    }

    /// A list parameter (`k=a`, `k[]=a`, `k[0]=a`, `k=a,b`).
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        let values: Vec<String> = match self.params.get(key)? {
            Value::String(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => return None,
        };
        (!values.is_empty()).then_some(values)
    }

    /// Copies the filters named in `keys` (as given) into a filter object.
    pub fn filters(&self, keys: &[&str]) -> Map<String, Value> {
        keys.iter()
            .filter_map(|k| self.params.get(*k).map(|v| ((*k).to_owned(), v.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paging_from_filters() {
        let q = ListQuery::parse(Some(
            "limit=12&offset=24&order=-created_at&fields=*variants&id[0]=a&id[1]=b&region_id=reg_1",
        ))
        .unwrap();
        assert_eq!(
            (q.limit, q.offset, q.order.as_deref()),
            (Some(12), 24, Some("-created_at"))
        );
        assert_eq!(q.list("id"), Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(q.param("region_id").as_deref(), Some("reg_1"));
        assert!(!q.params.contains_key("limit"));
        assert!(ListQuery::parse(Some("limit=ten")).is_err());
    }
}
