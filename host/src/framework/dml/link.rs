//! Module links: relations between models of *different* modules, stored in a
//! link table of their own so that neither module knows about the other.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{FieldDef, FieldKind};

/// One end of a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSide {
    pub module: String,
    pub model: String,
    /// Name under which the *other* side sees this one in `fields`
    /// (defaults to the model name, pluralised with `s` when `is_list`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// One row of the other side links to many rows of this side.
    #[serde(default)]
    pub is_list: bool,
    /// Deleting a row of this side deletes the linked rows of the other side.
    #[serde(default)]
    pub delete_cascade: bool,
    /// Name under which a link row shows this side's record, for links with
    /// extra columns (defaults to the model name), e.g. `inventory` in
    /// `variants.inventory_items.inventory`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_field: Option<String>,
    /// Column of the link table holding this side's id (defaults to `<model>_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl LinkSide {
    pub fn new(module: &str, model: &str) -> Self {
        Self {
            module: module.to_owned(),
            model: model.to_owned(),
            alias: None,
            is_list: false,
            delete_cascade: false,
            row_field: None,
            column: None,
        }
    }

    /// Names the link table's column for this side (e.g. `variant_id`).
    pub fn column_name(mut self, name: &str) -> Self {
        self.column = Some(name.to_owned());
        self
    }

    pub fn row_field(mut self, name: &str) -> Self {
        self.row_field = Some(name.to_owned());
        self
    }

    /// Name under which a link row shows this side's record.
    pub fn record_field(&self) -> String {
        self.row_field.clone().unwrap_or_else(|| self.model.clone())
    }

    pub fn list(mut self) -> Self {
        self.is_list = true;
        self
    }

    pub fn alias(mut self, alias: &str) -> Self {
        self.alias = Some(alias.to_owned());
        self
    }

    pub fn delete_cascade(mut self) -> Self {
        self.delete_cascade = true;
        self
    }

    /// The field name under which the other side reaches this side.
    pub fn field_name(&self) -> String {
        match &self.alias {
            Some(alias) => alias.clone(),
            None if self.is_list => format!("{}s", self.model),
            None => self.model.clone(),
        }
    }

    /// Column of the link table holding this side's id.
    pub fn column(&self) -> String {
        self.column
            .clone()
            .unwrap_or_else(|| format!("{}_id", self.model))
    }
}

/// `define_link(left, right)`.
///
/// A link may carry extra columns (Medusa's `database.extraColumns`, e.g. a
/// variant's `required_quantity` of an inventory item). Such a link's fields
/// return the link rows themselves, `{id, <left>_id, <right>_id, extra…}`,
/// with the other side's record nested under its `record_field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkDef {
    pub left: LinkSide,
    pub right: LinkSide,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_columns: Vec<FieldDef>,
}

impl LinkDef {
    pub fn new(left: LinkSide, right: LinkSide) -> Self {
        Self {
            left,
            right,
            extra_columns: Vec::new(),
        }
    }

    /// Adds an extra column to the link table.
    pub fn extra_column(mut self, name: &str, kind: FieldKind, default: Option<Value>) -> Self {
        self.extra_columns.push(FieldDef {
            name: name.to_owned(),
            kind,
            nullable: default.is_none(),
            default,
            unique: false,
            index: false,
            searchable: false,
        });
        self
    }

    /// True when the link's fields return link rows (it has extra columns).
    pub fn exposes_rows(&self) -> bool {
        !self.extra_columns.is_empty()
    }

    /// The deterministic table name: `<module>_<model>_<module>_<model>`.
    pub fn table(&self) -> String {
        format!(
            "{}_{}_{}_{}",
            self.left.module, self.left.model, self.right.module, self.right.model
        )
    }

    /// Id prefix of link rows.
    pub fn id_prefix(&self) -> &'static str {
        "link"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deterministic() {
        let link = LinkDef::new(
            LinkSide::new("product", "product"),
            LinkSide::new("brand", "brand"),
        );
        assert_eq!(link.table(), "product_product_brand_brand");
        assert_eq!(link.left.column(), "product_id");
        assert_eq!(link.right.field_name(), "brand");
        assert_eq!(
            LinkSide::new("product", "product").list().field_name(),
            "products"
        );
        assert_eq!(LinkSide::new("x", "y").alias("z").field_name(), "z");
    }
}
