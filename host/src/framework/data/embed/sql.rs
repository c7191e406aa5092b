//! The SQL of an embedded read: one correlated subquery per relation or
//! link, building its rows as JSON, nested the same way.

use sea_query::{Alias, Expr, SelectStatement};

use crate::db::{ColumnKind, ColumnSpec};
use crate::framework::dml::RelationKind;

use super::{Embed, Join, PREFIX, many};

/// `json_build_object` takes at most 100 arguments: 50 key/value pairs.
const PAIRS_PER_OBJECT: usize = 50;

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

/// Writes `text` between `quote`s, doubling any `quote` inside (without
/// allocating when there is none, as for every name a model has).
fn enclosed(sql: &mut String, text: &str, quote: char) {
    sql.push(quote);
    for (i, part) in text.split(quote).enumerate() {
        if i > 0 {
            sql.push(quote);
            sql.push(quote);
        }
        sql.push_str(part);
    }
    sql.push(quote);
}

/// Writes `"identifier"`.
fn quoted(sql: &mut String, identifier: &str) {
    enclosed(sql, identifier, '"');
}

/// Writes `'text'`.
fn literal(sql: &mut String, text: &str) {
    enclosed(sql, text, '\'');
}

/// Writes `"alias"."column"`.
fn column(sql: &mut String, alias: &str, name: &str) {
    quoted(sql, alias);
    sql.push('.');
    quoted(sql, name);
}

/// Writes `"table" AS "alias"`.
fn table_as(sql: &mut String, table: &str, alias: &str) {
    quoted(sql, table);
    sql.push_str(" AS ");
    quoted(sql, alias);
}

/// Writes `"a"."x" = "b"."y"`.
fn equals(sql: &mut String, (a, x): (&str, &str), (b, y): (&str, &str)) {
    column(sql, a, x);
    sql.push_str(" = ");
    column(sql, b, y);
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
    let link_alias =
        matches!(e.join, Join::Link(_) | Join::Pivot { .. }).then(|| next_alias(aliases));
    // `FROM <table> AS <alias> [JOIN …] WHERE <join> AND <alias> is live`
    let from = |sql: &mut String| {
        sql.push_str(" FROM ");
        match (&e.join, &link_alias) {
            (Join::Link(link), Some(l)) => {
                table_as(sql, &link.table, l);
                sql.push_str(" JOIN ");
                table_as(sql, &e.table, &alias);
                sql.push_str(" ON ");
                equals(sql, (&alias, "id"), (l, &link.other_column));
                sql.push_str(" WHERE ");
                equals(sql, (l, &link.this_column), (parent, "id"));
                sql.push_str(" AND ");
                column(sql, l, "deleted_at");
                sql.push_str(" IS NULL");
            }
            (Join::Pivot { pivot, own, other }, Some(p)) => {
                table_as(sql, &e.table, &alias);
                sql.push_str(" JOIN ");
                table_as(sql, pivot, p);
                sql.push_str(" ON ");
                equals(sql, (p, other), (&alias, "id"));
                sql.push_str(" WHERE ");
                equals(sql, (p, own), (parent, "id"));
            }
            (Join::Link(_) | Join::Pivot { .. }, None) => {}
            (join, _) => {
                table_as(sql, &e.table, &alias);
                sql.push_str(" WHERE ");
                match join {
                    Join::Record { foreign_key }
                    | Join::Relation(RelationKind::BelongsTo { foreign_key }) => {
                        equals(sql, (&alias, "id"), (parent, foreign_key));
                    }
                    Join::LinkRows {
                        this_column: foreign_key,
                        ..
                    }
                    | Join::Relation(
                        RelationKind::HasOne { foreign_key }
                        | RelationKind::HasMany { foreign_key },
                    ) => equals(sql, (&alias, foreign_key), (parent, "id")),
                    // Planned as `Join::Pivot`; joined above.
                    _ => sql.push_str("FALSE"),
                }
            }
        }
        sql.push_str(" AND ");
        column(sql, &alias, "deleted_at");
        sql.push_str(" IS NULL");
    };
    // Lists in id order (linked rows in link id order); one row: the first.
    let order = match (&e.join, &link_alias) {
        (Join::Link(_), Some(l)) => l.clone(),
        _ => alias.clone(),
    };
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
        if !matches!(
            e.join,
            Join::Relation(RelationKind::BelongsTo { .. }) | Join::Record { .. }
        ) {
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::shop;
    use super::super::plan;
    use super::*;
    use crate::framework::dml::ModelDef;

    #[test]
    fn names_and_texts_are_enclosed_with_their_quotes_doubled() {
        let mut sql = String::new();
        quoted(&mut sql, "plain");
        literal(&mut sql, "it's");
        quoted(&mut sql, "a\"b");
        assert_eq!(sql, r#""plain"'it''s'"a""b""#);
    }
    use crate::framework::query::fields::FieldTree;

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
}
