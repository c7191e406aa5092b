//! A module service's writes as statements that have not run yet, for a
//! caller that runs several in one batch ([`Exec::write_all`]) instead of
//! one round trip each. The ids of new rows are made here, so later writes
//! of the same batch can refer to them.
//!
//! [`Exec::write_all`]: crate::db::Exec::write_all

use sea_query::{Alias, Expr, InsertStatement, Query, SimpleExpr, UpdateStatement};
use serde_json::Value;

use crate::db::{DbError, Dialect};
use crate::framework::id::generate_id;

use super::service::{ModuleService, Row, ServiceError, now};

impl ModuleService {
    /// The insert of `items` into `model`, and their ids in order (an item's
    /// own `id`, or a new one). Every row also sets the `computed` columns to
    /// their expression (e.g. a number read from the table in the same
    /// statement) instead of a value of their own.
    pub fn insert_statement(
        &self,
        dialect: Dialect,
        model: &str,
        items: &[Row],
        computed: &[(&str, SimpleExpr)],
    ) -> Result<(InsertStatement, Vec<String>), ServiceError> {
        let m = self.model(model)?;
        let mut insert = Query::insert();
        insert.into_table(Alias::new(&m.table));
        let mut ids = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let id = match item.get("id") {
                Some(Value::String(id)) if !id.is_empty() => id.clone(),
                Some(Value::Null) | None => generate_id(&m.id_prefix),
                Some(other) => {
                    return Err(ServiceError::InvalidData(format!(
                        "id must be text, got {other}"
                    )));
                }
            };
            let skip: Vec<&str> = computed.iter().map(|(c, _)| *c).collect();
            let fields = self.encode_fields_but(m, item, dialect, true, &skip)?;
            if i == 0 {
                let mut columns = vec![Alias::new("id")];
                columns.extend(fields.iter().map(|(c, _)| Alias::new(c)));
                columns.extend(computed.iter().map(|(c, _)| Alias::new(*c)));
                insert.columns(columns);
            }
            let mut values: Vec<SimpleExpr> = vec![id.clone().into()];
            values.extend(fields.into_iter().map(|(_, v)| v));
            values.extend(computed.iter().map(|(_, e)| e.clone()));
            insert
                .values(values)
                .map_err(|e| ServiceError::Db(DbError::Build(e.to_string())))?;
            ids.push(id);
        }
        Ok((insert, ids))
    }

    /// The update of the live row `id` of `model` with `data`.
    pub fn update_statement(
        &self,
        dialect: Dialect,
        model: &str,
        id: &str,
        data: &Row,
    ) -> Result<UpdateStatement, ServiceError> {
        let m = self.model(model)?;
        if data.contains_key("id") {
            return Err(ServiceError::InvalidData("id cannot be updated".into()));
        }
        let mut values = self.encode_fields(m, data, dialect, false)?;
        values.push(("updated_at".into(), now(dialect)));
        let mut update = Query::update();
        let column = |c: &str| Expr::col((Alias::new(&m.table), Alias::new(c)));
        update
            .table(Alias::new(&m.table))
            .values(values.into_iter().map(|(c, v)| (Alias::new(c), v)))
            .and_where(column("deleted_at").is_null())
            .and_where(column("id").eq(id));
        Ok(update)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_query::PostgresQueryBuilder;
    use serde_json::json;

    use super::*;
    use crate::framework::dml::{ModelDef, ModuleDef};

    fn service() -> ModuleService {
        let post = ModelDef::new("post", "post")
            .text("title")
            .boolean("draft")
            .default(true)
            .number("views");
        ModuleService::new(Arc::new(ModuleDef::new("blog").model(post)))
    }

    fn row(v: Value) -> Row {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn an_insert_statement_makes_ids_and_fills_defaults_and_computed_columns() {
        let items = [
            row(json!({ "title": "a" })),
            row(json!({ "id": "post_given", "title": "b" })),
        ];
        let (insert, ids) = service()
            .insert_statement(
                Dialect::Postgres,
                "post",
                &items,
                &[("views", Expr::val(7).into())],
            )
            .expect("builds");
        assert_eq!(ids.len(), 2);
        assert!(ids[0].starts_with("post_"), "{ids:?}");
        assert_eq!(ids[1], "post_given");
        let sql = insert.to_string(PostgresQueryBuilder);
        assert!(
            sql.starts_with(r#"INSERT INTO "post" ("id", "title", "draft", "views")"#),
            "{sql}"
        );
        assert!(
            sql.contains(&format!("('{}', 'a', TRUE, 7)", ids[0])),
            "{sql}"
        );
    }

    #[test]
    fn an_update_statement_touches_one_live_row_and_refuses_unknown_fields() {
        let svc = service();
        let update = svc
            .update_statement(
                Dialect::Postgres,
                "post",
                "post_1",
                &row(json!({ "title": "t" })),
            )
            .expect("builds");
        let sql = update.to_string(PostgresQueryBuilder);
        assert!(sql.contains(r#""title" = 't'"#), "{sql}");
        assert!(
            sql.contains(r#""post"."deleted_at" IS NULL AND "post"."id" = 'post_1'"#),
            "{sql}"
        );
        let unknown = svc.update_statement(
            Dialect::Postgres,
            "post",
            "post_1",
            &row(json!({ "nope": 1 })),
        );
        assert!(matches!(unknown, Err(ServiceError::InvalidData(_))));
        let id = svc.update_statement(
            Dialect::Postgres,
            "post",
            "post_1",
            &row(json!({ "id": "x" })),
        );
        assert!(matches!(id, Err(ServiceError::InvalidData(_))));
    }
}
