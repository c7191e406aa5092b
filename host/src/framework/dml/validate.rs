//! Checks a module description before anything is built from it, so that a
//! bad description (from a plugin, say) fails at load with a clear reason.

use std::collections::HashSet;

use super::{FieldKind, ModuleDef, RelationKind};

/// Why a description is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DmlError {
    #[error("`{0}` is not a valid name (use lower_snake_case, at most 48 characters)")]
    InvalidName(String),
    #[error("{0} is declared twice")]
    Duplicate(String),
    #[error("field `{model}.{field}` uses a reserved name")]
    Reserved { model: String, field: String },
    #[error("relation `{model}.{relation}`: {reason}")]
    Relation {
        model: String,
        relation: String,
        reason: String,
    },
    #[error("field `{model}.{field}`: {reason}")]
    Field {
        model: String,
        field: String,
        reason: String,
    },
}

/// True for lower_snake_case identifiers that are safe as SQL names.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= 48
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

impl ModuleDef {
    /// Validates names, duplicates and relations.
    pub fn validate(&self) -> Result<(), DmlError> {
        if !is_valid_name(&self.name) {
            return Err(DmlError::InvalidName(self.name.clone()));
        }
        let mut models = HashSet::new();
        let mut tables = HashSet::new();
        for model in &self.models {
            for name in [&model.name, &model.table, &model.id_prefix] {
                if !is_valid_name(name) {
                    return Err(DmlError::InvalidName(name.clone()));
                }
            }
            if !models.insert(&model.name) {
                return Err(DmlError::Duplicate(format!("model `{}`", model.name)));
            }
            if !tables.insert(&model.table) {
                return Err(DmlError::Duplicate(format!("table `{}`", model.table)));
            }
            let mut fields = HashSet::new();
            for field in &model.fields {
                if !is_valid_name(&field.name) {
                    return Err(DmlError::InvalidName(field.name.clone()));
                }
                if ["id", "created_at", "updated_at", "deleted_at"].contains(&field.name.as_str())
                    || field.name.starts_with("raw_")
                {
                    return Err(DmlError::Reserved {
                        model: model.name.clone(),
                        field: field.name.clone(),
                    });
                }
                if !fields.insert(&field.name) {
                    return Err(DmlError::Duplicate(format!(
                        "field `{}.{}`",
                        model.name, field.name
                    )));
                }
                if let FieldKind::Enum { values } = &field.kind {
                    if values.is_empty() {
                        return Err(field_error(
                            model,
                            field,
                            "an enum needs at least one value",
                        ));
                    }
                    if let Some(default) = &field.default
                        && !default
                            .as_str()
                            .is_some_and(|d| values.iter().any(|v| v == d))
                    {
                        return Err(field_error(
                            model,
                            field,
                            "the default is not one of the values",
                        ));
                    }
                }
            }
            for group in &model.unique_together {
                if let Some(missing) = group.iter().find(|f| model.find_field(f).is_none()) {
                    return Err(DmlError::Field {
                        model: model.name.clone(),
                        field: missing.clone(),
                        reason: "unique_together names an unknown field".into(),
                    });
                }
            }
        }
        for model in &self.models {
            let mut names = HashSet::new();
            for rel in &model.relations {
                let err = |reason: &str| DmlError::Relation {
                    model: model.name.clone(),
                    relation: rel.name.clone(),
                    reason: reason.to_owned(),
                };
                if !is_valid_name(&rel.name) {
                    return Err(DmlError::InvalidName(rel.name.clone()));
                }
                if !names.insert(&rel.name) || model.find_field(&rel.name).is_some() {
                    return Err(err("the name is already used by a field or relation"));
                }
                let Some(target) = self.find_model(&rel.target) else {
                    return Err(err(&format!(
                        "target model `{}` is not in module `{}`",
                        rel.target, self.name
                    )));
                };
                match &rel.kind {
                    RelationKind::BelongsTo { foreign_key } => {
                        if model
                            .find_field(foreign_key)
                            .is_none_or(|f| f.kind != FieldKind::Text)
                        {
                            return Err(err(&format!("needs a text field `{foreign_key}`")));
                        }
                    }
                    RelationKind::HasMany { foreign_key }
                    | RelationKind::HasOne { foreign_key } => {
                        if target
                            .find_field(foreign_key)
                            .is_none_or(|f| f.kind != FieldKind::Text)
                        {
                            return Err(err(&format!(
                                "`{}` needs a text field `{foreign_key}`",
                                target.name
                            )));
                        }
                    }
                    RelationKind::ManyToMany { pivot } => {
                        if !is_valid_name(pivot) {
                            return Err(DmlError::InvalidName(pivot.clone()));
                        }
                        if self.models.iter().any(|m| &m.table == pivot) {
                            return Err(err("the pivot table has the name of a model table"));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn field_error(model: &super::ModelDef, field: &super::FieldDef, reason: &str) -> DmlError {
    DmlError::Field {
        model: model.name.clone(),
        field: field.name.clone(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::dml::ModelDef;

    fn product_module() -> ModuleDef {
        ModuleDef::new("product")
            .model(
                ModelDef::new("product", "prod")
                    .text("title")
                    .searchable()
                    .text("handle")
                    .unique()
                    .enumeration("status", ["draft", "published"])
                    .default("draft")
                    .has_many("variants", "product_variant", "product_id")
                    .many_to_many("tags", "product_tag", "product_tags"),
            )
            .model(
                ModelDef::new("product_variant", "variant")
                    .text("sku")
                    .nullable()
                    .belongs_to("product", "product", "product_id"),
            )
            .model(ModelDef::new("product_tag", "ptag").text("value"))
    }

    #[test]
    fn a_sound_module_validates() {
        assert_eq!(product_module().validate(), Ok(()));
        let json = serde_json::to_value(product_module()).unwrap();
        let back: ModuleDef = serde_json::from_value(json).unwrap();
        assert_eq!(
            back,
            product_module(),
            "descriptions survive JSON (plugins send them)"
        );
    }

    #[test]
    fn bad_names_and_duplicates_are_rejected() {
        let m = ModuleDef::new("Product");
        assert!(matches!(m.validate(), Err(DmlError::InvalidName(_))));
        let m = ModuleDef::new("x").model(ModelDef::new("a", "a").text("f").text("f"));
        assert!(matches!(m.validate(), Err(DmlError::Duplicate(_))));
        let m = ModuleDef::new("x").model(ModelDef::new("a", "a").text("created_at"));
        assert!(matches!(m.validate(), Err(DmlError::Reserved { .. })));
        let m = ModuleDef::new("x").model(ModelDef::new("a", "a").text("drop table; --"));
        assert!(matches!(m.validate(), Err(DmlError::InvalidName(_))));
    }

    #[test]
    fn relations_must_resolve_inside_the_module() {
        let m = ModuleDef::new("x").model(ModelDef::new("a", "a").has_many("bs", "b", "a_id"));
        assert!(matches!(m.validate(), Err(DmlError::Relation { .. })));
        let m = ModuleDef::new("x")
            .model(ModelDef::new("a", "a").has_many("bs", "b", "a_id"))
            .model(ModelDef::new("b", "b"));
        assert!(
            matches!(m.validate(), Err(DmlError::Relation { .. })),
            "b lacks a_id"
        );
    }

    #[test]
    fn enum_defaults_must_be_values() {
        let m = ModuleDef::new("x").model(
            ModelDef::new("a", "a")
                .enumeration("s", ["on"])
                .default("off"),
        );
        assert!(matches!(m.validate(), Err(DmlError::Field { .. })));
    }
}
