//! Models: fields and relations inside one module.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FieldKind {
    Text,
    /// Whole number (64-bit).
    Number,
    /// Floating point number.
    Float,
    Boolean,
    /// Exact decimal (money): stored with a `raw_<name>` twin holding the exact value.
    BigNumber,
    /// One of `values`.
    Enum {
        values: Vec<String>,
    },
    Json,
    DateTime,
}

/// One field of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub name: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    #[serde(default)]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default)]
    pub unique: bool,
    #[serde(default)]
    pub index: bool,
    /// Included in `q` free-text search.
    #[serde(default)]
    pub searchable: bool,
}

/// How two models of the same module relate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RelationKind {
    /// This model has a column `foreign_key` pointing at the target's id.
    BelongsTo { foreign_key: String },
    /// The target has a column `foreign_key` pointing at this model's id.
    HasMany { foreign_key: String },
    /// The target has a column `foreign_key` pointing at this model's id; at most one.
    HasOne { foreign_key: String },
    /// A pivot table `pivot` with `<this>_id` and `<target>_id` columns.
    ManyToMany { pivot: String },
}

/// A relation from this model to another model of the same module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationDef {
    pub name: String,
    pub target: String,
    #[serde(flatten)]
    pub kind: RelationKind,
    /// Deleting this row deletes the related rows (has many / has one only).
    #[serde(default)]
    pub cascade_delete: bool,
}

/// A data model: a table with typed fields and relations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelDef {
    /// Entity name, e.g. `product_variant`.
    pub name: String,
    /// Prefix of generated ids, e.g. `variant`.
    pub id_prefix: String,
    /// Table name (defaults to the entity name).
    pub table: String,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub relations: Vec<RelationDef>,
    /// Composite unique constraints (each a list of field names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_together: Vec<Vec<String>>,
}

impl ModelDef {
    pub fn new(name: &str, id_prefix: &str) -> Self {
        Self {
            name: name.to_owned(),
            id_prefix: id_prefix.to_owned(),
            table: name.to_owned(),
            fields: Vec::new(),
            relations: Vec::new(),
            unique_together: Vec::new(),
        }
    }

    /// Stores the model in `table` instead of a table named after it.
    pub fn table(mut self, table: &str) -> Self {
        self.table = table.to_owned();
        self
    }

    pub fn field(mut self, name: &str, kind: FieldKind) -> Self {
        self.fields.push(FieldDef {
            name: name.to_owned(),
            kind,
            nullable: false,
            default: None,
            unique: false,
            index: false,
            searchable: false,
        });
        self
    }

    pub fn text(self, name: &str) -> Self {
        self.field(name, FieldKind::Text)
    }
    pub fn number(self, name: &str) -> Self {
        self.field(name, FieldKind::Number)
    }
    pub fn float(self, name: &str) -> Self {
        self.field(name, FieldKind::Float)
    }
    pub fn boolean(self, name: &str) -> Self {
        self.field(name, FieldKind::Boolean)
    }
    pub fn big_number(self, name: &str) -> Self {
        self.field(name, FieldKind::BigNumber)
    }
    pub fn json(self, name: &str) -> Self {
        self.field(name, FieldKind::Json)
    }
    pub fn date_time(self, name: &str) -> Self {
        self.field(name, FieldKind::DateTime)
    }
    pub fn enumeration<const N: usize>(self, name: &str, values: [&str; N]) -> Self {
        self.field(
            name,
            FieldKind::Enum {
                values: values.iter().map(|v| (*v).to_owned()).collect(),
            },
        )
    }

    fn last_field(mut self, change: impl FnOnce(&mut FieldDef)) -> Self {
        if let Some(field) = self.fields.last_mut() {
            change(field);
        }
        self
    }

    /// Applies a shared piece of description (`model.with(address_fields)`).
    pub fn with(self, describe: impl FnOnce(Self) -> Self) -> Self {
        describe(self)
    }

    /// The last field may be null.
    pub fn nullable(self) -> Self {
        self.last_field(|f| f.nullable = true)
    }
    /// The last field is unique among rows that are not deleted.
    pub fn unique(self) -> Self {
        self.last_field(|f| f.unique = true)
    }
    /// The last field is indexed.
    pub fn index(self) -> Self {
        self.last_field(|f| f.index = true)
    }
    /// The last field is part of `q` search.
    pub fn searchable(self) -> Self {
        self.last_field(|f| f.searchable = true)
    }
    /// The last field's default value.
    pub fn default(self, value: impl Into<Value>) -> Self {
        let value = value.into();
        self.last_field(|f| f.default = Some(value))
    }

    /// This model has a `foreign_key` column pointing at `target` (added as an
    /// indexed text field unless declared before).
    pub fn belongs_to(mut self, name: &str, target: &str, foreign_key: &str) -> Self {
        if self.find_field(foreign_key).is_none() {
            self = self.text(foreign_key).index();
        }
        self.relations.push(RelationDef {
            name: name.to_owned(),
            target: target.to_owned(),
            kind: RelationKind::BelongsTo {
                foreign_key: foreign_key.to_owned(),
            },
            cascade_delete: false,
        });
        self
    }

    /// `target` rows point at this model through their `foreign_key`.
    pub fn has_many(mut self, name: &str, target: &str, foreign_key: &str) -> Self {
        self.relations.push(RelationDef {
            name: name.to_owned(),
            target: target.to_owned(),
            kind: RelationKind::HasMany {
                foreign_key: foreign_key.to_owned(),
            },
            cascade_delete: false,
        });
        self
    }

    /// Like [`ModelDef::has_many`], with at most one related row.
    pub fn has_one(mut self, name: &str, target: &str, foreign_key: &str) -> Self {
        self.relations.push(RelationDef {
            name: name.to_owned(),
            target: target.to_owned(),
            kind: RelationKind::HasOne {
                foreign_key: foreign_key.to_owned(),
            },
            cascade_delete: false,
        });
        self
    }

    /// Rows of this model and `target` relate through the pivot table `pivot`.
    pub fn many_to_many(mut self, name: &str, target: &str, pivot: &str) -> Self {
        self.relations.push(RelationDef {
            name: name.to_owned(),
            target: target.to_owned(),
            kind: RelationKind::ManyToMany {
                pivot: pivot.to_owned(),
            },
            cascade_delete: false,
        });
        self
    }

    /// Deleting a row deletes the rows of the last relation.
    pub fn cascade(mut self) -> Self {
        if let Some(rel) = self.relations.last_mut() {
            rel.cascade_delete = true;
        }
        self
    }

    /// A composite unique constraint over `fields`.
    pub fn unique_together(mut self, fields: &[&str]) -> Self {
        self.unique_together
            .push(fields.iter().map(|f| (*f).to_owned()).collect());
        self
    }

    pub fn find_field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn find_relation(&self, name: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.name == name)
    }

    /// Every column name of the table, in order (id, fields, raw twins, timestamps).
    pub fn columns(&self) -> Vec<String> {
        let mut cols = vec![super::ID_COLUMN.to_owned()];
        for f in &self.fields {
            cols.push(f.name.clone());
            if f.kind == FieldKind::BigNumber {
                cols.push(format!("raw_{}", f.name));
            }
        }
        cols.extend(super::TIMESTAMP_COLUMNS.iter().map(|c| (*c).to_owned()));
        cols
    }

    /// The kind of a column (id and foreign keys are text; timestamps date-times).
    pub fn column_kind(&self, column: &str) -> Option<FieldKind> {
        if column == super::ID_COLUMN {
            return Some(FieldKind::Text);
        }
        if super::TIMESTAMP_COLUMNS.contains(&column) {
            return Some(FieldKind::DateTime);
        }
        if let Some(f) = self.find_field(column) {
            return Some(f.kind.clone());
        }
        if let Some(base) = column.strip_prefix("raw_")
            && self
                .find_field(base)
                .is_some_and(|f| f.kind == FieldKind::BigNumber)
        {
            return Some(FieldKind::Json);
        }
        None
    }
}
