//! Module links: relations between models of *different* modules, stored in a
//! link table of their own so that neither module knows about the other.

use serde::{Deserialize, Serialize};

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
}

impl LinkSide {
    pub fn new(module: &str, model: &str) -> Self {
        Self {
            module: module.to_owned(),
            model: model.to_owned(),
            alias: None,
            is_list: false,
            delete_cascade: false,
        }
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
        format!("{}_id", self.model)
    }
}

/// `define_link(left, right)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDef {
    pub left: LinkSide,
    pub right: LinkSide,
}

impl LinkDef {
    pub fn new(left: LinkSide, right: LinkSide) -> Self {
        Self { left, right }
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
