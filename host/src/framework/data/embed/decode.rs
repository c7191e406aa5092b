//! Embedded rows decoded to exactly what the one-query-per-level path
//! returns: decimals and timestamps in the codec's formats, floats as floats,
//! a missing list as `[]` and a missing row as `null`.

use serde_json::Value;

use crate::db::{ColumnKind, codec};
use crate::framework::data::service::Row;

use super::{Embed, PREFIX, many};

/// Moves each embed's column of `rows` to the relation's name, decoded as
/// the generic path would have returned it.
pub fn attach(rows: &mut [Row], embeds: &[Embed<'_>]) {
    for row in rows.iter_mut() {
        for e in embeds {
            let value = row
                .remove(&format!("{PREFIX}{}", e.name))
                .unwrap_or(Value::Null);
            let value = decode(e, value);
            row.insert(e.name.clone(), value);
        }
    }
}

/// One embedded value (object, list or null) in the generic path's shape.
fn decode(e: &Embed<'_>, value: Value) -> Value {
    match value {
        Value::Array(rows) => Value::Array(rows.into_iter().map(|r| decode_row(e, r)).collect()),
        Value::Object(_) => decode_row(e, value),
        _ if many(e) => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

fn decode_row(e: &Embed<'_>, value: Value) -> Value {
    let Value::Object(mut row) = value else {
        return Value::Null;
    };
    for column in &e.columns {
        let Some(v) = row.get_mut(&column.name) else {
            continue;
        };
        match column.kind {
            ColumnKind::Decimal => {
                *v = codec::parse_decimal(v).map_or(Value::Null, codec::decimal_to_json);
            }
            // JSON writes a whole double without its fraction (`19`); the
            // column reads back as a float (`19.0`).
            ColumnKind::Float => {
                if let Some(f) = v.as_f64() {
                    *v = Value::from(f);
                }
            }
            ColumnKind::Timestamp => {
                if let Some(ts) = v
                    .as_str()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                {
                    *v = Value::String(codec::format_timestamp(ts.with_timezone(&chrono::Utc)));
                }
            }
            _ => {}
        }
    }
    for child in &e.children {
        let nested = row.remove(&child.name).unwrap_or(Value::Null);
        row.insert(child.name.clone(), decode(child, nested));
    }
    Value::Object(row)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::shop;
    use super::super::plan;
    use super::*;
    use crate::framework::query::fields::FieldTree;

    #[test]
    fn decoded_rows_take_the_codec_formats() {
        let module = shop();
        let cart = module.find_model("cart").unwrap();
        let embeds = plan(&module, cart, &FieldTree::from_paths(["items.*"]), None);
        let mut rows = vec![serde_json::Map::from_iter([(
            format!("{PREFIX}items"),
            serde_json::json!([{
                "id": "item_1",
                "unit_price": "19.990",
                "created_at": "2026-12-01T08:27:01.082731+01:00",
            }]),
        )])];
        attach(&mut rows, &embeds);
        assert_eq!(rows[0]["items"][0]["unit_price"], serde_json::json!(19.99));
        assert_eq!(
            rows[0]["items"][0]["created_at"],
            "2026-12-01T07:27:01.082Z"
        );
        assert!(!rows[0].contains_key(&format!("{PREFIX}items")));
    }
}
