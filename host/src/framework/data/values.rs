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

/// Every column of a model with its storage kind, in table order.
pub fn model_columns(model: &ModelDef) -> Vec<ColumnSpec> {
    model
        .columns()
        .into_iter()
        .filter_map(|name| {
            let kind = model.column_kind(&name)?;
            Some(ColumnSpec {
                kind: column_kind(&kind),
                name,
            })
        })
        .collect()
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
