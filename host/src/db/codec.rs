//! JSON values in and out of columns, per column kind and dialect.
//!
//! Rows leave the database as JSON objects: timestamps as ISO-8601 UTC strings
//! with milliseconds, decimals as JSON numbers, JSON columns as JSON.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_query::Value as SqlValue;
use serde_json::{Map, Value};
use sqlx::Row;

use super::{DbError, Dialect};

/// How a column is stored and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Integer,
    Float,
    Boolean,
    Decimal,
    Json,
    /// A JSON document kept as text: written often, read back whole and
    /// rarely (the workflow journal). PostgreSQL stores it without parsing
    /// it into `jsonb` first.
    Document,
    Timestamp,
}

/// A column to read: its name in SQL and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: String,
    pub kind: ColumnKind,
}

/// Why a JSON value cannot go into a column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, got {got}")]
pub struct EncodeError {
    pub expected: &'static str,
    pub got: String,
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// Formats a timestamp as Medusa does: `2024-10-24T15:28:03.123Z`.
pub fn format_timestamp(ts: DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a decimal from a JSON number or string.
pub fn parse_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => n
            .to_string()
            .parse::<Decimal>()
            .ok()
            .or_else(|| n.as_f64().and_then(Decimal::from_f64_retain)),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("value").and_then(parse_decimal),
        _ => None,
    }
}

fn parse_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        _ => None,
    }
}

fn parse_timestamp(value: &Value) -> Option<DateTime<Utc>> {
    let s = value.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        })
}

/// Converts a JSON value to a SQL value for a column of `kind`. Strings are
/// accepted for numbers, booleans and dates (query strings carry only strings).
pub fn encode(value: &Value, kind: ColumnKind, dialect: Dialect) -> Result<SqlValue, EncodeError> {
    let fail = |expected: &'static str| EncodeError {
        expected,
        got: describe(value),
    };
    if value.is_null() {
        return Ok(match kind {
            ColumnKind::Text => SqlValue::String(None),
            ColumnKind::Integer => SqlValue::BigInt(None),
            ColumnKind::Float => SqlValue::Double(None),
            ColumnKind::Boolean => SqlValue::Bool(None),
            ColumnKind::Decimal => match dialect {
                Dialect::Postgres => SqlValue::Decimal(None),
                Dialect::Sqlite => SqlValue::Double(None),
            },
            ColumnKind::Json => SqlValue::Json(None),
            ColumnKind::Document => SqlValue::String(None),
            ColumnKind::Timestamp => match dialect {
                Dialect::Postgres => SqlValue::ChronoDateTimeUtc(None),
                Dialect::Sqlite => SqlValue::String(None),
            },
        });
    }
    Ok(match kind {
        ColumnKind::Text => match value {
            Value::String(s) => SqlValue::String(Some(Box::new(s.clone()))),
            Value::Number(n) => SqlValue::String(Some(Box::new(n.to_string()))),
            _ => return Err(fail("text")),
        },
        ColumnKind::Integer => {
            let n = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            SqlValue::BigInt(Some(n.ok_or_else(|| fail("a whole number"))?))
        }
        ColumnKind::Float => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            SqlValue::Double(Some(n.ok_or_else(|| fail("a number"))?))
        }
        ColumnKind::Boolean => {
            SqlValue::Bool(Some(parse_bool(value).ok_or_else(|| fail("a boolean"))?))
        }
        ColumnKind::Decimal => {
            let d = parse_decimal(value).ok_or_else(|| fail("a number"))?;
            match dialect {
                Dialect::Postgres => SqlValue::Decimal(Some(Box::new(d))),
                Dialect::Sqlite => {
                    SqlValue::Double(Some(d.to_f64().ok_or_else(|| fail("a number"))?))
                }
            }
        }
        ColumnKind::Json => SqlValue::Json(Some(Box::new(value.clone()))),
        ColumnKind::Document => SqlValue::String(Some(Box::new(value.to_string()))),
        ColumnKind::Timestamp => {
            let ts = parse_timestamp(value).ok_or_else(|| fail("an ISO-8601 date-time"))?;
            match dialect {
                Dialect::Postgres => SqlValue::ChronoDateTimeUtc(Some(Box::new(ts))),
                Dialect::Sqlite => SqlValue::String(Some(Box::new(format_timestamp(ts)))),
            }
        }
    })
}

/// The exact twin of a decimal, stored in `raw_<field>`.
pub fn raw_decimal(value: &Value) -> Option<Value> {
    parse_decimal(value)
        .map(|d| serde_json::json!({ "value": d.normalize().to_string(), "precision": 20 }))
}

/// A decimal as a JSON number (exact digits where JSON can hold them).
pub fn decimal_to_json(d: Decimal) -> Value {
    d.normalize()
        .to_string()
        .parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or_else(|_| d.to_f64().map_or(Value::Null, Value::from))
}

/// Reads one SQLite row into a JSON object.
pub fn decode_sqlite(
    row: &sqlx::sqlite::SqliteRow,
    columns: &[ColumnSpec],
) -> Result<Map<String, Value>, DbError> {
    let mut out = Map::with_capacity(columns.len());
    for (i, col) in columns.iter().enumerate() {
        let value = match col.kind {
            ColumnKind::Text | ColumnKind::Timestamp => {
                row.try_get::<Option<String>, _>(i)?.map(Value::String)
            }
            ColumnKind::Integer => row.try_get::<Option<i64>, _>(i)?.map(Value::from),
            ColumnKind::Float => row.try_get::<Option<f64>, _>(i)?.map(Value::from),
            ColumnKind::Decimal => row
                .try_get::<Option<f64>, _>(i)?
                .and_then(Decimal::from_f64_retain)
                .map(|d| decimal_to_json(d.round_dp(12))),
            ColumnKind::Boolean => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
            ColumnKind::Json | ColumnKind::Document => row
                .try_get::<Option<String>, _>(i)?
                .map(|s| serde_json::from_str(&s).unwrap_or(Value::String(s))),
        };
        out.insert(col.name.clone(), value.unwrap_or(Value::Null));
    }
    Ok(out)
}

/// Reads one PostgreSQL row into a JSON object.
pub fn decode_postgres(
    row: &sqlx::postgres::PgRow,
    columns: &[ColumnSpec],
) -> Result<Map<String, Value>, DbError> {
    let mut out = Map::with_capacity(columns.len());
    for (i, col) in columns.iter().enumerate() {
        let value = match col.kind {
            ColumnKind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::String),
            ColumnKind::Integer => row.try_get::<Option<i64>, _>(i)?.map(Value::from),
            ColumnKind::Float => row.try_get::<Option<f64>, _>(i)?.map(Value::from),
            ColumnKind::Decimal => row.try_get::<Option<Decimal>, _>(i)?.map(decimal_to_json),
            ColumnKind::Boolean => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
            ColumnKind::Json => row.try_get::<Option<Value>, _>(i)?,
            ColumnKind::Document => row
                .try_get::<Option<String>, _>(i)?
                .map(|s| serde_json::from_str(&s).unwrap_or(Value::String(s))),
            ColumnKind::Timestamp => row
                .try_get::<Option<DateTime<Utc>>, _>(i)?
                .map(|ts| Value::String(format_timestamp(ts))),
        };
        out.insert(col.name.clone(), value.unwrap_or(Value::Null));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_is_written_as_its_json_text() {
        let doc = json!({ "cart": { "id": "cart_1", "total": 19.5 } });
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            assert_eq!(
                encode(&doc, ColumnKind::Document, dialect),
                Ok(SqlValue::String(Some(Box::new(doc.to_string()))))
            );
            assert_eq!(
                encode(&Value::Null, ColumnKind::Document, dialect),
                Ok(SqlValue::String(None))
            );
        }
    }

    #[test]
    fn strings_from_query_strings_are_coerced() {
        assert_eq!(
            encode(&json!("12"), ColumnKind::Integer, Dialect::Sqlite),
            Ok(SqlValue::BigInt(Some(12)))
        );
        assert_eq!(
            encode(&json!("true"), ColumnKind::Boolean, Dialect::Sqlite),
            Ok(SqlValue::Bool(Some(true)))
        );
        assert!(encode(&json!("twelve"), ColumnKind::Integer, Dialect::Sqlite).is_err());
        assert!(encode(&json!({"a": 1}), ColumnKind::Text, Dialect::Sqlite).is_err());
    }

    #[test]
    fn timestamps_are_normalised_on_sqlite() {
        let v = encode(
            &json!("2024-10-24T17:28:03+02:00"),
            ColumnKind::Timestamp,
            Dialect::Sqlite,
        )
        .unwrap();
        assert_eq!(
            v,
            SqlValue::String(Some(Box::new("2024-10-24T15:28:03.000Z".into())))
        );
        assert!(encode(&json!("yesterday"), ColumnKind::Timestamp, Dialect::Sqlite).is_err());
    }

    #[test]
    fn decimals_keep_an_exact_twin() {
        assert_eq!(
            raw_decimal(&json!(19.99)),
            Some(json!({"value": "19.99", "precision": 20}))
        );
        assert_eq!(
            raw_decimal(&json!("0.1")),
            Some(json!({"value": "0.1", "precision": 20}))
        );
        assert_eq!(decimal_to_json(Decimal::new(1999, 2)), json!(19.99));
    }
}
