//! SQL data definition for models, pivots and link tables, per dialect.
//!
//! Identifiers come from validated descriptions (lower_snake_case) and are
//! quoted anyway; literal defaults are escaped.

use serde_json::Value;

use crate::db::Dialect;
use crate::framework::dml::{FieldDef, FieldKind, LinkDef, ModelDef};

/// `"name"`
pub fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn column_type(kind: &FieldKind, dialect: Dialect) -> &'static str {
    match (kind, dialect) {
        (FieldKind::Text | FieldKind::Enum { .. }, _) => "TEXT",
        (FieldKind::Number, Dialect::Postgres) => "BIGINT",
        (FieldKind::Number, Dialect::Sqlite) => "INTEGER",
        (FieldKind::Float, Dialect::Postgres) => "DOUBLE PRECISION",
        (FieldKind::Float | FieldKind::BigNumber, Dialect::Sqlite) => "REAL",
        (FieldKind::Boolean, _) => "BOOLEAN",
        (FieldKind::BigNumber, Dialect::Postgres) => "NUMERIC",
        (FieldKind::Json, Dialect::Postgres) => "JSONB",
        (FieldKind::Json | FieldKind::DateTime, Dialect::Sqlite) => "TEXT",
        (FieldKind::DateTime, Dialect::Postgres) => "TIMESTAMPTZ",
    }
}

fn now_default(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "now()",
        Dialect::Sqlite => "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    }
}

/// A SQL literal for a default value.
fn literal(value: &Value, kind: &FieldKind, dialect: Dialect) -> String {
    match value {
        Value::Null => "NULL".into(),
        Value::Bool(b) => match dialect {
            Dialect::Postgres => if *b { "TRUE" } else { "FALSE" }.into(),
            Dialect::Sqlite => if *b { "1" } else { "0" }.into(),
        },
        Value::Number(n) => n.to_string(),
        Value::String(s) if *kind == FieldKind::Json => {
            string_literal(&Value::String(s.clone()).to_string())
        }
        Value::String(s) => string_literal(s),
        other => string_literal(&other.to_string()),
    }
}

fn string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Column definitions of one field (two for big numbers: value and raw twin).
pub fn field_columns(field: &FieldDef, dialect: Dialect) -> Vec<String> {
    let mut def = format!(
        "{} {}",
        quote(&field.name),
        column_type(&field.kind, dialect)
    );
    if !field.nullable {
        def.push_str(" NOT NULL");
    }
    if let Some(default) = &field.default {
        def.push_str(" DEFAULT ");
        def.push_str(&literal(default, &field.kind, dialect));
    }
    let mut cols = vec![def];
    if field.kind == FieldKind::BigNumber {
        let raw = format!("raw_{}", field.name);
        cols.push(format!(
            "{} {}",
            quote(&raw),
            column_type(&FieldKind::Json, dialect)
        ));
    }
    cols
}

fn timestamp_columns(dialect: Dialect) -> [String; 3] {
    let ts = column_type(&FieldKind::DateTime, dialect);
    let now = now_default(dialect);
    [
        format!("\"created_at\" {ts} NOT NULL DEFAULT {now}"),
        format!("\"updated_at\" {ts} NOT NULL DEFAULT {now}"),
        format!("\"deleted_at\" {ts} NULL"),
    ]
}

/// `CREATE TABLE` plus indexes for a model.
pub fn create_model(model: &ModelDef, dialect: Dialect) -> Vec<String> {
    let mut cols = vec!["\"id\" TEXT PRIMARY KEY".to_owned()];
    for field in &model.fields {
        cols.extend(field_columns(field, dialect));
    }
    cols.extend(timestamp_columns(dialect));
    let mut sql = vec![format!(
        "CREATE TABLE {} (\n  {}\n)",
        quote(&model.table),
        cols.join(",\n  ")
    )];
    sql.push(soft_delete_index(&model.table));
    for field in &model.fields {
        sql.extend(field_indexes(model, field));
    }
    for group in &model.unique_together {
        let cols: Vec<&str> = group.iter().map(String::as_str).collect();
        sql.push(index(&model.table, &cols, true));
    }
    sql
}

/// Indexes a field asks for.
pub fn field_indexes(model: &ModelDef, field: &FieldDef) -> Vec<String> {
    let mut sql = Vec::new();
    if field.unique {
        sql.push(index(&model.table, &[&field.name], true));
    }
    if field.index {
        sql.push(index(&model.table, &[&field.name], false));
    }
    sql
}

/// Name of the index over `columns` of `table`.
pub fn index_name(table: &str, columns: &[&str], unique: bool) -> String {
    let full = format!(
        "IDX_{}_{}{}",
        table,
        columns.join("_"),
        if unique { "_unique" } else { "" }
    );
    if full.len() <= 60 {
        return full;
    }
    // FNV-1a: stable across builds and platforms.
    let hash = full.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}_{:08x}", &full[..50], hash as u32)
}

/// `CREATE [UNIQUE] INDEX`; unique indexes ignore soft-deleted rows.
pub fn index(table: &str, columns: &[&str], unique: bool) -> String {
    let cols: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    format!(
        "CREATE {}INDEX IF NOT EXISTS {} ON {} ({}){}",
        if unique { "UNIQUE " } else { "" },
        quote(&index_name(table, columns, unique)),
        quote(table),
        cols.join(", "),
        if unique {
            " WHERE \"deleted_at\" IS NULL"
        } else {
            ""
        }
    )
}

/// The index of a table's soft-deleted rows, for listing them. Live rows
/// are left out: reads filter `deleted_at IS NULL` next to the condition
/// that finds their rows, and an index over the nulls would tempt the
/// planner, before it has statistics, to scan every live row instead of
/// using that condition's index.
pub fn soft_delete_index(table: &str) -> String {
    format!(
        "CREATE INDEX IF NOT EXISTS {} ON {} (\"deleted_at\") WHERE \"deleted_at\" IS NOT NULL",
        quote(&index_name(table, &["deleted_at"], false)),
        quote(table)
    )
}

/// Whether `definition` (as the database shows an index) is the index
/// [`soft_delete_index`] makes; older versions indexed every row.
pub fn is_soft_delete_index(definition: &str) -> bool {
    definition.to_ascii_uppercase().contains("IS NOT NULL")
}

/// `ALTER TABLE ... ADD COLUMN` for a new field.
pub fn add_field(model: &ModelDef, field: &FieldDef, dialect: Dialect) -> Vec<String> {
    let mut sql: Vec<String> = field_columns(field, dialect)
        .into_iter()
        .map(|col| format!("ALTER TABLE {} ADD COLUMN {col}", quote(&model.table)))
        .collect();
    sql.extend(field_indexes(model, field));
    sql
}

/// `ALTER TABLE ... ADD COLUMN` for a link table's new extra column.
pub fn add_link_column(table: &str, field: &FieldDef, dialect: Dialect) -> Vec<String> {
    field_columns(field, dialect)
        .into_iter()
        .map(|col| format!("ALTER TABLE {} ADD COLUMN {col}", quote(table)))
        .collect()
}

/// The pivot table of a many-to-many relation between `a` and `b`.
pub fn create_pivot(pivot: &str, a: &str, b: &str) -> Vec<String> {
    let (a_col, b_col) = (format!("{a}_id"), format!("{b}_id"));
    vec![
        format!(
            "CREATE TABLE {} (\n  {} TEXT NOT NULL,\n  {} TEXT NOT NULL,\n  PRIMARY KEY ({}, {})\n)",
            quote(pivot),
            quote(&a_col),
            quote(&b_col),
            quote(&a_col),
            quote(&b_col)
        ),
        index(pivot, &[&b_col], false),
    ]
}

/// The link table of a module link.
pub fn create_link(link: &LinkDef, dialect: Dialect) -> Vec<String> {
    let table = link.table();
    let (left, right) = (link.left.column(), link.right.column());
    let mut cols = vec![
        "\"id\" TEXT PRIMARY KEY".to_owned(),
        format!("{} TEXT NOT NULL", quote(&left)),
        format!("{} TEXT NOT NULL", quote(&right)),
    ];
    for extra in &link.extra_columns {
        cols.extend(field_columns(extra, dialect));
    }
    cols.extend(timestamp_columns(dialect));
    vec![
        format!(
            "CREATE TABLE {} (\n  {}\n)",
            quote(&table),
            cols.join(",\n  ")
        ),
        index(&table, &[&left, &right], true),
        // Replacing or dismissing a row's links finds them by one side,
        // soft-deleted or not: the unique index above holds live rows only.
        index(&table, &[&left], false),
        index(&table, &[&right], false),
        soft_delete_index(&table),
    ]
}

/// `DROP TABLE`.
pub fn drop_table(table: &str) -> String {
    format!("DROP TABLE IF EXISTS {}", quote(table))
}

/// `ALTER TABLE ... DROP COLUMN` (and its raw twin for big numbers).
pub fn drop_field(table: &str, field: &FieldDef) -> Vec<String> {
    let mut names = vec![field.name.clone()];
    if field.kind == FieldKind::BigNumber {
        names.push(format!("raw_{}", field.name));
    }
    let mut sql = Vec::new();
    for unique in [true, false] {
        sql.push(format!(
            "DROP INDEX IF EXISTS {}",
            quote(&index_name(table, &[&field.name], unique))
        ));
    }
    sql.extend(
        names
            .iter()
            .map(|n| format!("ALTER TABLE {} DROP COLUMN {}", quote(table), quote(n))),
    );
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> ModelDef {
        ModelDef::new("product", "prod")
            .text("title")
            .text("handle")
            .unique()
            .boolean("discountable")
            .default(true)
            .big_number("weight")
            .nullable()
            .enumeration("status", ["draft", "published"])
            .default("draft")
    }

    #[test]
    fn the_soft_delete_index_holds_deleted_rows_only() {
        let sql = create_model(&model(), Dialect::Postgres).join(";\n");
        assert!(sql.contains(
            r#"CREATE INDEX IF NOT EXISTS "IDX_product_deleted_at" ON "product" ("deleted_at") WHERE "deleted_at" IS NOT NULL"#
        ), "{sql}");
        assert!(is_soft_delete_index(&soft_delete_index("product")));
        assert!(!is_soft_delete_index(
            r#"CREATE INDEX "IDX_product_deleted_at" ON public.product USING btree (deleted_at)"#
        ));
    }

    #[test]
    fn create_table_per_dialect() {
        let pg = create_model(&model(), Dialect::Postgres).join(";\n");
        assert!(
            pg.contains("\"discountable\" BOOLEAN NOT NULL DEFAULT TRUE"),
            "{pg}"
        );
        assert!(pg.contains("\"weight\" NUMERIC"), "{pg}");
        assert!(pg.contains("\"raw_weight\" JSONB"), "{pg}");
        assert!(
            pg.contains("\"created_at\" TIMESTAMPTZ NOT NULL DEFAULT now()"),
            "{pg}"
        );
        assert!(
            pg.contains("CREATE UNIQUE INDEX IF NOT EXISTS \"IDX_product_handle_unique\""),
            "{pg}"
        );
        let lite = create_model(&model(), Dialect::Sqlite).join(";\n");
        assert!(
            lite.contains("\"discountable\" BOOLEAN NOT NULL DEFAULT 1"),
            "{lite}"
        );
        assert!(
            lite.contains("\"status\" TEXT NOT NULL DEFAULT 'draft'"),
            "{lite}"
        );
    }

    #[test]
    fn long_index_names_are_shortened_deterministically() {
        let a = index_name(
            "product_product_variant_inventory_inventory_item",
            &["product_variant_id", "inventory_item_id"],
            true,
        );
        let b = index_name(
            "product_product_variant_inventory_inventory_item",
            &["product_variant_id", "inventory_item_other"],
            true,
        );
        assert!(a.len() <= 60 && b.len() <= 60);
        assert_ne!(a, b);
        assert_eq!(
            a,
            index_name(
                "product_product_variant_inventory_inventory_item",
                &["product_variant_id", "inventory_item_id"],
                true
            )
        );
        assert_eq!(index_name("post", &["title"], false), "IDX_post_title");
    }

    #[test]
    fn string_defaults_are_escaped() {
        let m = ModelDef::new("a", "a").text("t").default("it's");
        assert!(create_model(&m, Dialect::Sqlite)[0].contains("DEFAULT 'it''s'"));
    }
}
