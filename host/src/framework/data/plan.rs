//! The migration from one description of a module to the next: additive
//! changes (new tables, columns, indexes, pivots, link tables) are applied;
//! destructive ones (drop a table or column, change or narrow a type) are
//! listed and refused unless explicitly allowed.

use std::collections::BTreeSet;

use crate::db::Dialect;
use crate::framework::dml::{FieldDef, LinkDef, ModelDef, ModuleDef, RelationKind};

use super::ddl;

/// One change between two descriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub description: String,
    pub sql: Vec<String>,
    pub destructive: bool,
}

/// What it takes to go from the stored description to the new one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationPlan {
    pub changes: Vec<Change>,
    /// Changes that cannot be made automatically at all.
    pub blocked: Vec<String>,
}

impl MigrationPlan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.blocked.is_empty()
    }

    pub fn destructive(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.destructive)
    }

    fn add(&mut self, description: String, sql: Vec<String>) {
        self.changes.push(Change {
            description,
            sql,
            destructive: false,
        });
    }

    fn destroy(&mut self, description: String, sql: Vec<String>) {
        self.changes.push(Change {
            description,
            sql,
            destructive: true,
        });
    }
}

fn pivots(module: &ModuleDef) -> Vec<(String, String, String)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for model in &module.models {
        for rel in &model.relations {
            if let RelationKind::ManyToMany { pivot } = &rel.kind
                && seen.insert(pivot.clone())
            {
                out.push((pivot.clone(), model.name.clone(), rel.target.clone()));
            }
        }
    }
    out
}

/// Plans the migration of `module` from `old` (None: never migrated).
pub fn plan_module(old: Option<&ModuleDef>, new: &ModuleDef, dialect: Dialect) -> MigrationPlan {
    let mut plan = MigrationPlan::default();
    let empty = ModuleDef::new(&new.name);
    let old = old.unwrap_or(&empty);
    for model in &new.models {
        match old.models.iter().find(|m| m.table == model.table) {
            None => plan.add(
                format!("create table {}", model.table),
                ddl::create_model(model, dialect),
            ),
            Some(before) => plan_model(&mut plan, before, model, dialect),
        }
    }
    for before in &old.models {
        if !new.models.iter().any(|m| m.table == before.table) {
            plan.destroy(
                format!("drop table {}", before.table),
                vec![ddl::drop_table(&before.table)],
            );
        }
    }
    let old_pivots = pivots(old);
    let new_pivots = pivots(new);
    for (pivot, a, b) in &new_pivots {
        if !old_pivots.iter().any(|(p, _, _)| p == pivot) {
            plan.add(
                format!("create pivot table {pivot}"),
                ddl::create_pivot(pivot, a, b),
            );
        }
    }
    for (pivot, _, _) in &old_pivots {
        if !new_pivots.iter().any(|(p, _, _)| p == pivot) {
            plan.destroy(
                format!("drop pivot table {pivot}"),
                vec![ddl::drop_table(pivot)],
            );
        }
    }
    plan
}

fn plan_model(plan: &mut MigrationPlan, before: &ModelDef, model: &ModelDef, dialect: Dialect) {
    let table = &model.table;
    for field in &model.fields {
        match before.find_field(&field.name) {
            None if !field.nullable && field.default.is_none() => plan.blocked.push(format!(
                "new field {table}.{} is required and has no default: make it nullable or give it a default",
                field.name
            )),
            None => plan.add(format!("add column {table}.{}", field.name), ddl::add_field(model, field, dialect)),
            Some(old) => plan_field(plan, model, old, field, dialect),
        }
    }
    for old in &before.fields {
        if model.find_field(&old.name).is_none() {
            plan.destroy(
                format!("drop column {table}.{}", old.name),
                ddl::drop_field(table, old),
            );
        }
    }
    for group in &model.unique_together {
        if !before.unique_together.contains(group) {
            let cols: Vec<&str> = group.iter().map(String::as_str).collect();
            plan.add(
                format!("add unique index on {table} ({})", group.join(", ")),
                vec![ddl::index(table, &cols, true)],
            );
        }
    }
}

fn plan_field(
    plan: &mut MigrationPlan,
    model: &ModelDef,
    old: &FieldDef,
    new: &FieldDef,
    dialect: Dialect,
) {
    let table = &model.table;
    let name = &new.name;
    if old.kind != new.kind {
        plan.blocked.push(format!(
            "field {table}.{name} changes type: add a new field and move the data instead"
        ));
        return;
    }
    if old.nullable && !new.nullable {
        plan.blocked.push(format!(
            "field {table}.{name} becomes required: existing rows may hold null"
        ));
    } else if !old.nullable && new.nullable {
        match dialect {
            Dialect::Postgres => plan.add(
                format!("make {table}.{name} nullable"),
                vec![format!(
                    "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                    ddl::quote(table),
                    ddl::quote(name)
                )],
            ),
            Dialect::Sqlite => plan.blocked.push(format!(
                "field {table}.{name} becomes nullable: SQLite cannot relax a column in place"
            )),
        }
    }
    let index_change = |unique: bool, was: bool, is: bool, plan: &mut MigrationPlan| {
        if is && !was {
            plan.add(
                format!("add index on {table}.{name}"),
                vec![ddl::index(table, &[name], unique)],
            );
        } else if was && !is {
            let idx = ddl::index_name(table, &[name], unique);
            plan.add(
                format!("drop index {idx}"),
                vec![format!("DROP INDEX IF EXISTS {}", ddl::quote(&idx))],
            );
        }
    };
    index_change(true, old.unique, new.unique, plan);
    index_change(false, old.index, new.index, plan);
}

/// Plans link tables: new links get their table; a link that is no longer
/// defined keeps its table unless destructive changes are allowed.
pub fn plan_links(old: &[LinkDef], new: &[LinkDef], dialect: Dialect) -> MigrationPlan {
    let mut plan = MigrationPlan::default();
    for link in new {
        match old.iter().find(|l| l.table() == link.table()) {
            None => plan.add(
                format!("create link table {}", link.table()),
                ddl::create_link(link, dialect),
            ),
            Some(before) => {
                for (old_side, new_side) in
                    [(&before.left, &link.left), (&before.right, &link.right)]
                {
                    let (from, to) = (old_side.column(), new_side.column());
                    if from != to {
                        plan.add(
                            format!("rename column {}.{from} to {to}", link.table()),
                            vec![format!(
                                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                                ddl::quote(&link.table()),
                                ddl::quote(&from),
                                ddl::quote(&to)
                            )],
                        );
                    }
                }
                for extra in &link.extra_columns {
                    if !before.extra_columns.iter().any(|c| c.name == extra.name) {
                        plan.add(
                            format!("add column {}.{}", link.table(), extra.name),
                            ddl::add_link_column(&link.table(), extra, dialect),
                        );
                    }
                }
            }
        }
    }
    for link in old {
        if !new.iter().any(|l| l.table() == link.table()) {
            plan.destroy(
                format!("drop link table {}", link.table()),
                vec![ddl::drop_table(&link.table())],
            );
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::dml::LinkSide;

    fn v1() -> ModuleDef {
        ModuleDef::new("blog").model(
            ModelDef::new("post", "post")
                .text("title")
                .text("body")
                .nullable(),
        )
    }

    #[test]
    fn first_migration_creates_everything() {
        let plan = plan_module(None, &v1(), Dialect::Sqlite);
        assert_eq!(plan.changes.len(), 1);
        assert!(plan.changes[0].sql[0].starts_with("CREATE TABLE \"post\""));
        assert!(
            plan_module(Some(&v1()), &v1(), Dialect::Sqlite).is_empty(),
            "no change, no plan"
        );
    }

    #[test]
    fn additive_changes_apply() {
        let v2 = ModuleDef::new("blog")
            .model(
                ModelDef::new("post", "post")
                    .text("title")
                    .index()
                    .text("body")
                    .nullable()
                    .boolean("published")
                    .default(false)
                    .many_to_many("tags", "tag", "post_tags"),
            )
            .model(ModelDef::new("tag", "tag").text("value"));
        let plan = plan_module(Some(&v1()), &v2, Dialect::Postgres);
        let described: Vec<&str> = plan
            .changes
            .iter()
            .map(|c| c.description.as_str())
            .collect();
        assert_eq!(
            described,
            [
                "add index on post.title",
                "add column post.published",
                "create table tag",
                "create pivot table post_tags"
            ]
        );
        assert_eq!(plan.destructive().count(), 0);
        assert!(plan.blocked.is_empty());
    }

    #[test]
    fn destructive_changes_are_marked() {
        let v0 = ModuleDef::new("blog").model(ModelDef::new("post", "post").text("title"));
        let plan = plan_module(Some(&v1()), &v0, Dialect::Sqlite);
        assert_eq!(plan.destructive().count(), 1, "{plan:?}");
        let gone = ModuleDef::new("blog");
        assert_eq!(
            plan_module(Some(&v1()), &gone, Dialect::Sqlite)
                .destructive()
                .count(),
            1
        );
    }

    #[test]
    fn impossible_changes_are_blocked() {
        let retyped = ModuleDef::new("blog").model(
            ModelDef::new("post", "post")
                .number("title")
                .text("body")
                .nullable(),
        );
        assert_eq!(
            plan_module(Some(&v1()), &retyped, Dialect::Postgres)
                .blocked
                .len(),
            1
        );
        let required = ModuleDef::new("blog").model(
            ModelDef::new("post", "post")
                .text("title")
                .text("body")
                .nullable()
                .text("slug"),
        );
        assert_eq!(
            plan_module(Some(&v1()), &required, Dialect::Postgres)
                .blocked
                .len(),
            1
        );
    }

    #[test]
    fn removed_links_are_destructive() {
        let link = LinkDef::new(
            LinkSide::new("product", "product"),
            LinkSide::new("brand", "brand"),
        );
        let plan = plan_links(&[], std::slice::from_ref(&link), Dialect::Sqlite);
        assert_eq!(plan.changes.len(), 1);
        let plan = plan_links(&[link], &[], Dialect::Sqlite);
        assert_eq!(plan.destructive().count(), 1);
    }

    #[test]
    fn a_link_gains_extra_columns_and_renamed_columns_in_place() {
        let before = LinkDef::new(
            LinkSide::new("product", "product_variant").list(),
            LinkSide::new("inventory", "inventory_item").list(),
        );
        let after = LinkDef::new(
            LinkSide::new("product", "product_variant")
                .list()
                .column_name("variant_id"),
            LinkSide::new("inventory", "inventory_item").list(),
        )
        .extra_column(
            "required_quantity",
            crate::framework::dml::FieldKind::Number,
            Some(serde_json::json!(1)),
        );
        let plan = plan_links(&[before], std::slice::from_ref(&after), Dialect::Postgres);
        let sql: Vec<&str> = plan
            .changes
            .iter()
            .flat_map(|c| c.sql.iter().map(String::as_str))
            .collect();
        assert_eq!(
            sql,
            [
                "ALTER TABLE \"product_product_variant_inventory_inventory_item\" RENAME COLUMN \"product_variant_id\" TO \"variant_id\"",
                "ALTER TABLE \"product_product_variant_inventory_inventory_item\" ADD COLUMN \"required_quantity\" BIGINT NOT NULL DEFAULT 1",
            ]
        );
        assert_eq!(plan.destructive().count(), 0);
        let same = std::slice::from_ref(&after);
        assert!(plan_links(same, same, Dialect::Postgres).is_empty());
    }
}
