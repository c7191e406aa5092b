//! PostgreSQL reads a model's relations and module links in the same
//! statement as the model: each becomes a correlated subquery that builds
//! its rows as JSON (what is nested under them the same way), so a cart
//! with its items, their tax lines and adjustments, its shipping methods,
//! addresses, promotions and payment collection is one round trip instead
//! of one per relation and level.
//!
//! The query layer, not a module, composes this statement: it joins link
//! tables as the generic path does, one module's tables never name another's.
//! Many-to-many relations join through their pivot; a link with extra
//! columns reads its own rows, each with its linked record nested. Embedded rows
//! decode to exactly what the generic path returns: every column of the
//! model, in id order (link rows in link id order), deleted rows left out,
//! decimals and timestamps in the codec's formats.

mod decode;
mod sql;

use std::sync::LazyLock;

use crate::db::ColumnSpec;
use crate::framework::dml::{ModelDef, ModuleDef, RelationKind};
use crate::framework::query::fields::FieldTree;

use super::service::LinkExpander;
use super::values::model_columns;

pub use decode::attach;
pub use sql::add_columns;

/// The column alias an embedded relation is read under.
const PREFIX: &str = "__embedded_";

/// How a module link joins, for reading it inside the parent's statement.
#[derive(Debug, Clone)]
pub struct LinkJoin<'m> {
    /// The link table.
    pub table: String,
    /// Its column holding the parent's id.
    pub this_column: String,
    /// Its column holding the linked row's id.
    pub other_column: String,
    /// A list (or the first linked row).
    pub many: bool,
    /// The linked row's module and model.
    pub module: &'m ModuleDef,
    pub model: &'m ModelDef,
    /// Set for a link whose field shows its own rows (it has extra columns).
    pub rows: Option<LinkRows>,
}

/// What a link that shows its own rows reads of them.
#[derive(Debug, Clone)]
pub struct LinkRows {
    /// The link table's columns a row shows.
    pub columns: Vec<ColumnSpec>,
    /// The field of a row its linked record goes under.
    pub record_field: String,
}

#[derive(Debug)]
enum Join<'m> {
    /// Belongs-to, has-one or has-many.
    Relation(&'m RelationKind),
    /// Many-to-many: target rows whose pivot rows name the parent.
    Pivot {
        pivot: String,
        own: String,
        other: String,
    },
    /// Linked rows, through a plain link table.
    Link(LinkJoin<'m>),
    /// The rows of a link table itself that name the parent.
    LinkRows { this_column: String, many: bool },
    /// A link row's record: the row its `foreign_key` names.
    Record { foreign_key: String },
}

/// A relation or link read inside its parent's statement, with what is
/// embedded under it.
#[derive(Debug)]
pub struct Embed<'m> {
    name: String,
    /// The table its rows come from.
    table: String,
    /// The target's columns, in table order.
    columns: Vec<ColumnSpec>,
    join: Join<'m>,
    children: Vec<Embed<'m>>,
}

/// The names `tree` selects under `model` that are relations or links:
/// sub-selections, and bare names (`items`) with every scalar.
fn selected<'t>(
    model: &ModelDef,
    tree: &'t FieldTree,
    extra: Option<&dyn LinkExpander>,
) -> Vec<(&'t String, &'t FieldTree)> {
    static EVERYTHING: LazyLock<FieldTree> = LazyLock::new(|| FieldTree::from_paths(["*"]));
    let everything: &'t FieldTree = &EVERYTHING;
    let bare = tree.scalars.iter().filter(|s| {
        !tree.relations.contains_key(*s)
            && (model.find_relation(s).is_some() || extra.is_some_and(|x| x.has_link(model, s)))
    });
    tree.relations
        .iter()
        .chain(bare.map(|s| (s, everything)))
        .collect()
}

/// What of `tree` under `model` can be embedded: in-module relations and
/// module links, each with everything selected under it embeddable too.
pub fn plan<'m>(
    module: &'m ModuleDef,
    model: &'m ModelDef,
    tree: &FieldTree,
    extra: Option<&'m dyn LinkExpander>,
) -> Vec<Embed<'m>> {
    selected(model, tree, extra)
        .into_iter()
        .filter_map(|(name, subtree)| embed(module, model, name, subtree, extra))
        .collect()
}

fn embed<'m>(
    module: &'m ModuleDef,
    model: &'m ModelDef,
    name: &str,
    subtree: &FieldTree,
    extra: Option<&'m dyn LinkExpander>,
) -> Option<Embed<'m>> {
    let (join, target_module, target) = match model.find_relation(name) {
        Some(relation) => {
            let target = module.find_model(&relation.target)?;
            let join = match &relation.kind {
                RelationKind::ManyToMany { pivot } => Join::Pivot {
                    pivot: pivot.clone(),
                    own: format!("{}_id", model.name),
                    other: format!("{}_id", target.name),
                },
                kind => Join::Relation(kind),
            };
            (join, module, target)
        }
        None => {
            let link = extra?.link_join(model, name)?;
            if link.rows.is_some() {
                return link_rows(link, name, subtree, extra);
            }
            let (m, t) = (link.module, link.model);
            (Join::Link(link), m, t)
        }
    };
    let children = fully_planned(target_module, target, subtree, extra)?;
    Some(Embed {
        name: name.to_owned(),
        table: target.table.clone(),
        columns: model_columns(target),
        join,
        children,
    })
}

/// The embeds under `model` when everything `tree` selects there is one.
fn fully_planned<'m>(
    module: &'m ModuleDef,
    model: &'m ModelDef,
    tree: &FieldTree,
    extra: Option<&'m dyn LinkExpander>,
) -> Option<Vec<Embed<'m>>> {
    let children = plan(module, model, tree, extra);
    (children.len() == selected(model, tree, extra).len()).then_some(children)
}

/// A link that shows its own rows: those `subtree` keeps of their columns
/// (as the generic path does), and the linked record under its field when
/// `subtree` asks for it.
fn link_rows<'m>(
    link: LinkJoin<'m>,
    name: &str,
    subtree: &FieldTree,
    extra: Option<&'m dyn LinkExpander>,
) -> Option<Embed<'m>> {
    let rows = link.rows.as_ref()?;
    let everything = subtree.scalars.is_empty() && subtree.relations.is_empty();
    let wanted = |key: &str| {
        everything || key == "id" || subtree.scalars.contains("*") || subtree.scalars.contains(key)
    };
    let columns = rows
        .columns
        .iter()
        .filter(|c| wanted(&c.name))
        .cloned()
        .collect();
    let mut children = Vec::new();
    if let Some(record) = subtree.relations.get(&rows.record_field) {
        children.push(Embed {
            name: rows.record_field.clone(),
            table: link.model.table.clone(),
            columns: model_columns(link.model),
            join: Join::Record {
                foreign_key: link.other_column.clone(),
            },
            children: fully_planned(link.module, link.model, record, extra)?,
        });
    }
    Some(Embed {
        name: name.to_owned(),
        table: link.table.clone(),
        columns,
        join: Join::LinkRows {
            this_column: link.this_column.clone(),
            many: link.many,
        },
        children,
    })
}

/// The tree left for the generic path once `embeds` are read in the
/// parent's statement.
pub fn remaining(tree: &FieldTree, embeds: &[Embed<'_>]) -> FieldTree {
    let mut rest = tree.clone();
    for e in embeds {
        rest.relations.remove(&e.name);
        rest.scalars.remove(&e.name);
    }
    rest
}

fn many(e: &Embed<'_>) -> bool {
    match &e.join {
        Join::Relation(kind) => matches!(kind, RelationKind::HasMany { .. }),
        Join::Pivot { .. } => true,
        Join::Link(link) => link.many,
        Join::LinkRows { many, .. } => *many,
        Join::Record { .. } => false,
    }
}

#[cfg(test)]
pub(super) mod fixtures {
    use super::*;
    use crate::db::Exec;
    use crate::framework::data::service::{BoxFut, Row};

    pub fn shop() -> ModuleDef {
        ModuleDef::new("shop")
            .model(
                ModelDef::new("cart", "cart")
                    .text("address_id")
                    .nullable()
                    .has_many("items", "item", "cart_id")
                    .belongs_to("address", "address", "address_id")
                    .many_to_many("tags", "tag", "cart_tags"),
            )
            .model(
                ModelDef::new("item", "item")
                    .text("cart_id")
                    .big_number("unit_price")
                    .has_many("tax_lines", "tax_line", "item_id"),
            )
            .model(ModelDef::new("tax_line", "tl").text("item_id"))
            .model(ModelDef::new("address", "addr").text("city"))
            .model(ModelDef::new("tag", "tag").text("value"))
    }

    /// Module links: every item has a `variant` in another module.
    pub struct Links;

    impl LinkExpander for Links {
        fn has_link(&self, model: &ModelDef, name: &str) -> bool {
            model.name == "item" && name == "variant"
        }

        fn expand_link<'a, 'e: 'a>(
            &'a self,
            _: &'a mut Exec<'e>,
            _: &'a ModelDef,
            _: &'a mut [Row],
            _: &'a str,
            _: &'a FieldTree,
        ) -> Option<BoxFut<'a, ()>> {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{Links, shop};
    use super::*;

    fn names(embeds: &[Embed<'_>]) -> Vec<String> {
        embeds.iter().map(|e| e.name.clone()).collect()
    }

    #[test]
    fn in_module_relations_are_embedded_with_their_children() {
        let module = shop();
        let cart = module.find_model("cart").unwrap();
        let tree = FieldTree::from_paths(["*", "items.*", "items.tax_lines.*", "address"]);
        let embeds = plan(&module, cart, &tree, Some(&Links));
        assert_eq!(names(&embeds), ["items", "address"]);
        assert_eq!(names(&embeds[0].children), ["tax_lines"]);
        assert!(remaining(&tree, &embeds).relations.is_empty());
        assert!(!remaining(&tree, &embeds).scalars.contains("address"));
    }

    #[test]
    fn links_the_expander_cannot_join_keep_the_generic_path() {
        let module = shop();
        let cart = module.find_model("cart").unwrap();
        let linked = FieldTree::from_paths(["items.*", "items.variant.*", "address.*"]);
        let embeds = plan(&module, cart, &linked, Some(&Links));
        assert_eq!(names(&embeds), ["address"]);
        assert!(remaining(&linked, &embeds).relations.contains_key("items"));
        let bare_link = FieldTree::from_paths(["items.variant"]);
        assert!(plan(&module, cart, &bare_link, Some(&Links)).is_empty());
    }

    #[test]
    fn pivots_are_embedded() {
        let module = shop();
        let cart = module.find_model("cart").unwrap();
        let pivot = FieldTree::from_paths(["tags.*"]);
        let embeds = plan(&module, cart, &pivot, Some(&Links));
        assert_eq!(names(&embeds), ["tags"]);
        assert!(many(&embeds[0]));
    }
}
