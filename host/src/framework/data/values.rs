//! From data-model field kinds to storage column kinds, and the checks a value
//! passes before it is written.

use serde_json::Value;

use crate::db::{ColumnKind, ColumnSpec};
use crate::framework::dml::{FieldKind, ModelDef};

/// The storage kind of a field kind.
pub fn column_kind(kind: &FieldKind) -> ColumnKind {
    match kind {
        FieldKind::Text | FieldKind::Enum { .. } => ColumnKind::Text,
        FieldKind::Number => ColumnKind::Integer,
        FieldKind::Float => ColumnKind::Float,
        FieldKind::Boolean => ColumnKind::Boolean,
        FieldKind::BigNumber => ColumnKind::Decimal,
        FieldKind::Json => ColumnKind::Json,
        FieldKind::DateTime => ColumnKind::Timestamp,
    }
}

/// Every column of a model with its storage kind, in table order (the
/// order of [`ModelDef::columns`]: id, fields with their raw twins,
/// timestamps).
pub fn model_columns(model: &ModelDef) -> Vec<ColumnSpec> {
    let spec = |name: &str, kind: ColumnKind| ColumnSpec {
        name: name.to_owned(),
        kind,
    };
    let mut out = Vec::with_capacity(model.fields.len() + 4);
    out.push(spec(crate::framework::dml::ID_COLUMN, ColumnKind::Text));
    for field in &model.fields {
        out.push(spec(&field.name, column_kind(&field.kind)));
        if field.kind == FieldKind::BigNumber {
            out.push(spec(&format!("raw_{}", field.name), ColumnKind::Json));
        }
    }
    for name in crate::framework::dml::TIMESTAMP_COLUMNS {
        out.push(spec(name, ColumnKind::Timestamp));
    }
    out
}

/// Checks an enum value; other kinds are checked when encoded.
pub fn check_enum(kind: &FieldKind, value: &Value) -> Result<(), String> {
    if let FieldKind::Enum { values } = kind
        && let Some(v) = value.as_str()
        && !values.iter().any(|allowed| allowed == v)
    {
        return Err(format!("expected one of {}, got '{v}'", values.join(", ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_table_order_with_their_kinds() {
        let model = ModelDef::new("item", "item")
            .text("title")
            .big_number("price")
            .boolean("active")
            .date_time("shipped_at")
            .nullable();
        let specs = model_columns(&model);
        let names: Vec<&str> = specs.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, model.columns());
        for spec in &specs {
            let kind = model.column_kind(&spec.name).map(|k| column_kind(&k));
            assert_eq!(Some(spec.kind), kind, "{}", spec.name);
        }
    }
}
