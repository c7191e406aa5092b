//! PostgreSQL reads a model's relations and module links in the same
//! statement as the model: each becomes a correlated subquery that builds
//! its rows as JSON (what is nested under them the same way), so a cart
//! with its items, their tax lines and adjustments, its shipping methods,
//! addresses, promotions and payment collection is one round trip instead
//! of one per relation and level.
//!
//! The query layer, not a module, composes this statement: it joins link
//! tables as the generic path does, one module's tables never name another's.
//! Many-to-many pivots and links that expose their own rows keep the generic
//! one-query-per-level path, and so does anything under them. Embedded rows
//! decode to exactly what the generic path returns: every column of the
//! model, in id order (link rows in link id order), deleted rows left out,
//! decimals and timestamps in the codec's formats.

use sea_query::{Alias, Expr, SelectStatement};
use serde_json::Value;

use crate::db::{ColumnKind, ColumnSpec, codec};
use crate::framework::dml::{ModelDef, ModuleDef, RelationKind};
use crate::framework::query::fields::FieldTree;

use super::service::{LinkExpander, Row};
use super::values::model_columns;

/// `json_build_object` takes at most 100 arguments: 50 key/value pairs.
const PAIRS_PER_OBJECT: usize = 50;

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
}

#[derive(Debug)]
enum Join<'m> {
    Relation(&'m RelationKind),
    Link(LinkJoin<'m>),
}

/// A relation or link read inside its parent's statement, with what is
/// embedded under it.
#[derive(Debug)]
pub struct Embed<'m> {
    name: String,
    target: &'m ModelDef,
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
    everything: &'t FieldTree,
) -> Vec<(&'t String, &'t FieldTree)> {
    let bare = tree.scalars.iter().filter(|s| {
        !tree.relations.contains_key(*s)
            && (model.find_relation(s).is_some() || extra.is_some_and(|x| x.has_link(model, s)))
    });
    tree.relations
        .iter()
        .chain(bare.map(|s| (s, everything)))
        .collect()
}

/// What of `tree` under `model` can be embedded: in-module relations other
/// than many-to-many, and links through a plain link table, each with
/// everything selected under it embeddable too.
pub fn plan<'m>(
    module: &'m ModuleDef,
    model: &'m ModelDef,
    tree: &FieldTree,
    extra: Option<&'m dyn LinkExpander>,
) -> Vec<Embed<'m>> {
    let everything = FieldTree::from_paths(["*"]);
    selected(model, tree, extra, &everything)
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
        Some(relation) if matches!(relation.kind, RelationKind::ManyToMany { .. }) => return None,
        Some(relation) => (
            Join::Relation(&relation.kind),
            module,
            module.find_model(&relation.target)?,
        ),
        None => {
            let link = extra?.link_join(model, name)?;
            let (m, t) = (link.module, link.model);
            (Join::Link(link), m, t)
        }
    };
    let children = plan(target_module, target, subtree, extra);
    let everything = FieldTree::from_paths(["*"]);
    if children.len() != selected(target, subtree, extra, &everything).len() {
        return None;
    }
    Some(Embed {
        name: name.to_owned(),
        target,
        columns: model_columns(target),
        join,
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

/// Adds one JSON column per embed to `select`, whose rows come from
/// `table`, and returns the column specs to decode them with.
pub fn add_columns(
    select: &mut SelectStatement,
    table: &str,
    embeds: &[Embed<'_>],
) -> Vec<ColumnSpec> {
    let mut aliases = 0;
    embeds
        .iter()
        .map(|e| {
            let column = format!("{PREFIX}{}", e.name);
            let mut sql = String::with_capacity(4096);
            join_sql(&mut sql, table, e, &mut aliases);
            select.expr_as(Expr::cust(sql), Alias::new(&column));
            ColumnSpec {
                name: column,
                kind: ColumnKind::Json,
            }
        })
        .collect()
}

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

/// Writes `"identifier"`.
fn quoted(sql: &mut String, identifier: &str) {
    sql.push('"');
    sql.push_str(&identifier.replace('"', "\"\""));
    sql.push('"');
}

/// Writes `'text'`.
fn literal(sql: &mut String, text: &str) {
    sql.push('\'');
    sql.push_str(&text.replace('\'', "''"));
    sql.push('\'');
}

/// Writes `"alias"."column"`.
fn column(sql: &mut String, alias: &str, name: &str) {
    quoted(sql, alias);
    sql.push('.');
    quoted(sql, name);
}

fn next_alias(aliases: &mut usize) -> String {
    *aliases += 1;
    format!("e{aliases}")
}

/// Writes the subquery reading `e` for the row aliased `parent`.
fn join_sql(sql: &mut String, parent: &str, e: &Embed<'_>, aliases: &mut usize) {
    let alias = next_alias(aliases);
    let mut row = String::with_capacity(1024);
    row_sql(&mut row, &alias, e, aliases);
    let link_alias = matches!(e.join, Join::Link(_)).then(|| next_alias(aliases));
    // `FROM <table> AS <alias> [JOIN …] WHERE <join> AND <alias> is live`
    let from = |sql: &mut String| {
        sql.push_str(" FROM ");
        match (&e.join, &link_alias) {
            (Join::Link(link), Some(l)) => {
                quoted(sql, &link.table);
                sql.push_str(" AS ");
                quoted(sql, l);
                sql.push_str(" JOIN ");
                quoted(sql, &e.target.table);
                sql.push_str(" AS ");
                quoted(sql, &alias);
                sql.push_str(" ON ");
                column(sql, &alias, "id");
                sql.push_str(" = ");
                column(sql, l, &link.other_column);
                sql.push_str(" WHERE ");
                column(sql, l, &link.this_column);
                sql.push_str(" = ");
                column(sql, parent, "id");
                sql.push_str(" AND ");
                column(sql, l, "deleted_at");
                sql.push_str(" IS NULL");
            }
            (Join::Relation(kind), _) => {
                quoted(sql, &e.target.table);
                sql.push_str(" AS ");
                quoted(sql, &alias);
                sql.push_str(" WHERE ");
                match kind {
                    RelationKind::BelongsTo { foreign_key } => {
                        column(sql, &alias, "id");
                        sql.push_str(" = ");
                        column(sql, parent, foreign_key);
                    }
                    RelationKind::HasOne { foreign_key }
                    | RelationKind::HasMany { foreign_key } => {
                        column(sql, &alias, foreign_key);
                        sql.push_str(" = ");
                        column(sql, parent, "id");
                    }
                    // Never planned: pivots keep the generic path.
                    RelationKind::ManyToMany { .. } => sql.push_str("FALSE"),
                }
            }
            (Join::Link(_), None) => {}
        }
        sql.push_str(" AND ");
        column(sql, &alias, "deleted_at");
        sql.push_str(" IS NULL");
    };
    // Lists in id order (link rows in link id order); one row: the first.
    let order = link_alias.as_deref().unwrap_or(&alias).to_owned();
    if many(e) {
        sql.push_str("COALESCE((SELECT json_agg(");
        sql.push_str(&row);
        sql.push_str(" ORDER BY ");
        column(sql, &order, "id");
        sql.push(')');
        from(sql);
        sql.push_str("), '[]'::json)");
    } else {
        sql.push_str("(SELECT ");
        sql.push_str(&row);
        from(sql);
        if !matches!(e.join, Join::Relation(RelationKind::BelongsTo { .. })) {
            sql.push_str(" ORDER BY ");
            column(sql, &order, "id");
            sql.push_str(" LIMIT 1");
        }
        sql.push(')');
    }
}

/// Writes a JSON object of every column of the row aliased `alias`, plus
/// what is embedded under it. Decimals travel as text so no digit is lost.
/// `json` (text) is built much faster than `jsonb`; a model too wide for one
/// `json_build_object` call is merged in `jsonb` pieces instead.
fn row_sql(sql: &mut String, alias: &str, e: &Embed<'_>, aliases: &mut usize) {
    let pairs = e.columns.len() + e.children.len();
    let wide = pairs > PAIRS_PER_OBJECT;
    let mut written = 0;
    let open = |sql: &mut String, written: &mut usize| {
        if written.is_multiple_of(PAIRS_PER_OBJECT) {
            if *written > 0 {
                sql.push_str(") || ");
            }
            sql.push_str(if wide {
                "jsonb_build_object("
            } else {
                "json_build_object("
            });
        } else {
            sql.push_str(", ");
        }
        *written += 1;
    };
    if wide {
        sql.push('(');
    }
    for c in &e.columns {
        open(sql, &mut written);
        literal(sql, &c.name);
        sql.push_str(", ");
        column(sql, alias, &c.name);
        if c.kind == ColumnKind::Decimal {
            sql.push_str("::text");
        }
    }
    for child in &e.children {
        open(sql, &mut written);
        literal(sql, &child.name);
        sql.push_str(", ");
        join_sql(sql, alias, child, aliases);
    }
    sql.push(')');
    if wide {
        sql.push_str(")::json");
    }
}

fn many(e: &Embed<'_>) -> bool {
    match &e.join {
        Join::Relation(kind) => matches!(kind, RelationKind::HasMany { .. }),
        Join::Link(link) => link.many,
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
    use super::*;
    use crate::db::Exec;
    use crate::framework::data::service::BoxFut;

    fn shop() -> ModuleDef {
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
    struct Links;

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
    fn links_and_pivots_keep_the_generic_path() {
        let module = shop();
        let cart = module.find_model("cart").unwrap();
        let linked = FieldTree::from_paths(["items.*", "items.variant.*", "address.*"]);
        let embeds = plan(&module, cart, &linked, Some(&Links));
        assert_eq!(names(&embeds), ["address"]);
        assert!(remaining(&linked, &embeds).relations.contains_key("items"));
        let bare_link = FieldTree::from_paths(["items.variant"]);
        assert!(plan(&module, cart, &bare_link, Some(&Links)).is_empty());
        let pivot = FieldTree::from_paths(["tags.*"]);
        assert!(plan(&module, cart, &pivot, Some(&Links)).is_empty());
    }

    #[test]
    fn the_statement_reads_live_rows_in_id_order_with_exact_decimals() {
        let module = shop();
        let cart = module.find_model("cart").unwrap();
        let tree = FieldTree::from_paths(["items.tax_lines.*", "address.*"]);
        let embeds = plan(&module, cart, &tree, None);
        let mut select = sea_query::Query::select();
        select.column(Alias::new("id")).from(Alias::new("cart"));
        let specs = add_columns(&mut select, "cart", &embeds);
        assert_eq!(specs.len(), 2);
        let sql = select.to_string(sea_query::PostgresQueryBuilder);
        // Relations come in name order: address (e1), items (e2), tax_lines (e3).
        assert!(
            sql.contains(r#"WHERE "e1"."id" = "cart"."address_id""#),
            "{sql}"
        );
        assert!(
            sql.contains(r#"json_agg(json_build_object('id', "e2"."id""#),
            "{sql}"
        );
        assert!(sql.contains(r#""e2"."unit_price"::text"#), "{sql}");
        assert!(
            sql.contains(r#"WHERE "e3"."item_id" = "e2"."id" AND "e3"."deleted_at" IS NULL"#),
            "{sql}"
        );
        assert!(sql.contains(r#"ORDER BY "e2"."id""#), "{sql}");
    }

    #[test]
    fn a_model_wider_than_one_call_is_merged_in_pieces() {
        let wide = (0..60).fold(ModelDef::new("wide", "w").text("cart_id"), |m, i| {
            m.text(&format!("f{i}"))
        });
        let module = shop().model(wide);
        let cart = module.find_model("cart").unwrap();
        let mut cart = cart.clone();
        cart = cart.has_many("wides", "wide", "cart_id");
        let embeds = plan(&module, &cart, &FieldTree::from_paths(["wides.*"]), None);
        let mut select = sea_query::Query::select();
        select.column(Alias::new("id")).from(Alias::new("cart"));
        add_columns(&mut select, "cart", &embeds);
        let sql = select.to_string(sea_query::PostgresQueryBuilder);
        assert!(
            sql.contains(r#"json_agg((jsonb_build_object('id', "e1"."id""#),
            "{sql}"
        );
        assert!(sql.contains(r#") || jsonb_build_object("#), "{sql}");
        assert!(sql.contains(r#"))::json ORDER BY"#), "{sql}");
    }

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
