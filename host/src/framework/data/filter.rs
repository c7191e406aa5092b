//! Medusa's filter syntax compiled to SQL conditions: plain values (`=`),
//! arrays (`IN`), `null` (`IS NULL`), operator objects (`$eq $ne $in $nin $like
//! $ilike $gt $gte $lt $lte`), `$or` / `$and` lists, and `q` (free text over
//! searchable fields). A key that is not a column may name a relation; the
//! [`RelationFilters`] resolver turns it into a subquery.

use sea_query::{Alias, Cond, Condition, Expr, Func, SimpleExpr};
use serde_json::{Map, Value};

use crate::db::{ColumnKind, Dialect, codec};
use crate::framework::dml::ModelDef;

use super::values::column_kind;

/// `expr IN (values)` for text values. On PostgreSQL this is `expr = ANY($1)`
/// with one array parameter, so the SQL text (and its cached plan) does not
/// change with the number of values.
pub fn text_in(expr: Expr, values: Vec<String>, dialect: Dialect) -> SimpleExpr {
    match dialect {
        Dialect::Postgres => {
            let array = sea_query::Value::Array(
                sea_query::ArrayType::String,
                Some(Box::new(
                    values
                        .into_iter()
                        .map(|v| sea_query::Value::String(Some(Box::new(v))))
                        .collect(),
                )),
            );
            expr.eq(sea_query::PgFunc::any(Expr::val(array)))
        }
        Dialect::Sqlite => expr.is_in(values),
    }
}

/// A filter that cannot be applied; answered as `400 invalid_data`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// Resolves filters on relations (in-module relations or module links).
pub trait RelationFilters: Sync {
    /// A condition on `model` rows whose relation `name` matches `nested`, or
    /// `None` when `name` is not a relation of `model`.
    fn relation_condition(
        &self,
        model: &ModelDef,
        name: &str,
        nested: &Value,
        dialect: Dialect,
    ) -> Option<Result<SimpleExpr, FilterError>>;
}

/// No relation resolves.
pub struct NoRelations;

impl RelationFilters for NoRelations {
    fn relation_condition(
        &self,
        _: &ModelDef,
        _: &str,
        _: &Value,
        _: Dialect,
    ) -> Option<Result<SimpleExpr, FilterError>> {
        None
    }
}

/// Builds the condition for `filter` on `model`.
pub fn build(
    model: &ModelDef,
    filter: &Value,
    dialect: Dialect,
    relations: &dyn RelationFilters,
) -> Result<Condition, FilterError> {
    match filter {
        Value::Null => Ok(Cond::all()),
        Value::Object(map) => build_object(model, map, dialect, relations),
        other => Err(FilterError(format!(
            "a filter must be an object, got {other}"
        ))),
    }
}

fn build_object(
    model: &ModelDef,
    map: &Map<String, Value>,
    dialect: Dialect,
    relations: &dyn RelationFilters,
) -> Result<Condition, FilterError> {
    let mut cond = Cond::all();
    for (key, value) in map {
        match key.as_str() {
            "$or" | "$and" => {
                let list = value
                    .as_array()
                    .ok_or_else(|| FilterError(format!("{key} expects a list of filters")))?;
                let mut group = if key == "$or" {
                    Cond::any()
                } else {
                    Cond::all()
                };
                for item in list {
                    group = group.add(build(model, item, dialect, relations)?);
                }
                cond = cond.add(group);
            }
            "q" => {
                if let Some(search) = search_condition(model, value)? {
                    cond = cond.add(search);
                }
            }
            column => match model.column_kind(column) {
                Some(kind) => {
                    cond = cond.add(column_condition(
                        model,
                        column,
                        column_kind(&kind),
                        value,
                        dialect,
                    )?)
                }
                None => match relations.relation_condition(model, column, value, dialect) {
                    Some(expr) => cond = cond.add(expr?),
                    None => {
                        return Err(FilterError(format!(
                            "Unknown filter field '{column}' on {}",
                            model.name
                        )));
                    }
                },
            },
        }
    }
    Ok(cond)
}

/// `q`: any searchable field contains the text, case-insensitively.
fn search_condition(model: &ModelDef, value: &Value) -> Result<Option<Condition>, FilterError> {
    let text = value
        .as_str()
        .ok_or_else(|| FilterError("q must be text".into()))?
        .trim();
    if text.is_empty() {
        return Ok(None);
    }
    let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
    let mut any = Cond::any();
    let mut searchable = false;
    for field in model.fields.iter().filter(|f| f.searchable) {
        searchable = true;
        any = any.add(
            lower(model, &field.name).like(sea_query::LikeExpr::new(pattern.clone()).escape('\\')),
        );
    }
    if !searchable {
        return Err(FilterError(format!(
            "{} has no searchable fields for q",
            model.name
        )));
    }
    Ok(Some(any))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn col(model: &ModelDef, column: &str) -> Expr {
    Expr::col((Alias::new(&model.table), Alias::new(column)))
}

fn lower(model: &ModelDef, column: &str) -> Expr {
    Expr::expr(Func::lower(col(model, column)))
}

fn encode(
    model: &ModelDef,
    column: &str,
    kind: ColumnKind,
    value: &Value,
    dialect: Dialect,
) -> Result<sea_query::Value, FilterError> {
    codec::encode(value, kind, dialect)
        .map_err(|e| FilterError(format!("Invalid filter on {}.{column}: {e}", model.name)))
}

fn encode_list(
    model: &ModelDef,
    column: &str,
    kind: ColumnKind,
    value: &Value,
    dialect: Dialect,
) -> Result<Vec<sea_query::Value>, FilterError> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| encode(model, column, kind, v, dialect))
            .collect(),
        single => Ok(vec![encode(model, column, kind, single, dialect)?]),
    }
}

fn column_condition(
    model: &ModelDef,
    column: &str,
    kind: ColumnKind,
    value: &Value,
    dialect: Dialect,
) -> Result<Condition, FilterError> {
    let c = || col(model, column);
    Ok(match value {
        Value::Null => Cond::all().add(c().is_null()),
        Value::Array(_) => {
            Cond::all().add(c().is_in(encode_list(model, column, kind, value, dialect)?))
        }
        Value::Object(ops) if ops.keys().all(|k| k.starts_with('$')) => {
            let mut all = Cond::all();
            for (op, operand) in ops {
                let expr = match (op.as_str(), operand) {
                    ("$eq", Value::Null) => c().is_null(),
                    ("$ne", Value::Null) => c().is_not_null(),
                    ("$eq", v) => c().eq(encode(model, column, kind, v, dialect)?),
                    ("$ne", v) => c().ne(encode(model, column, kind, v, dialect)?),
                    ("$in", Value::Array(items))
                        if kind == ColumnKind::Text && items.iter().all(Value::is_string) =>
                    {
                        text_in(
                            c(),
                            items
                                .iter()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect(),
                            dialect,
                        )
                    }
                    ("$in", v) => c().is_in(encode_list(model, column, kind, v, dialect)?),
                    ("$nin", v) => c().is_not_in(encode_list(model, column, kind, v, dialect)?),
                    ("$gt", v) => c().gt(encode(model, column, kind, v, dialect)?),
                    ("$gte", v) => c().gte(encode(model, column, kind, v, dialect)?),
                    ("$lt", v) => c().lt(encode(model, column, kind, v, dialect)?),
                    ("$lte", v) => c().lte(encode(model, column, kind, v, dialect)?),
                    ("$like", Value::String(p)) => c().like(p.as_str()),
                    ("$ilike", Value::String(p)) => lower(model, column).like(p.to_lowercase()),
                    (op @ ("$like" | "$ilike"), _) => {
                        return Err(FilterError(format!("{op} expects text")));
                    }
                    (op, _) => {
                        return Err(FilterError(format!(
                            "Unknown filter operator '{op}' on {}.{column}",
                            model.name
                        )));
                    }
                };
                all = all.add(expr);
            }
            all
        }
        Value::Object(_) => {
            return Err(FilterError(format!(
                "{}.{column} cannot be filtered with an object",
                model.name
            )));
        }
        scalar => Cond::all().add(c().eq(encode(model, column, kind, scalar, dialect)?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_query::{Query, SqliteQueryBuilder};
    use serde_json::json;

    fn model() -> ModelDef {
        ModelDef::new("product", "prod")
            .text("title")
            .searchable()
            .text("handle")
            .number("rank")
            .boolean("discountable")
    }

    fn sql(filter: Value) -> Result<String, FilterError> {
        let cond = build(&model(), &filter, Dialect::Sqlite, &NoRelations)?;
        Ok(Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("product"))
            .cond_where(cond)
            .to_string(SqliteQueryBuilder))
    }

    #[test]
    fn equality_lists_and_null() {
        let s = sql(json!({"handle": "shirt", "id": ["a", "b"], "title": null})).unwrap();
        assert!(s.contains(r#""product"."handle" = 'shirt'"#), "{s}");
        assert!(s.contains(r#""product"."id" IN ('a', 'b')"#), "{s}");
        assert!(s.contains(r#""product"."title" IS NULL"#), "{s}");
    }

    #[test]
    fn operators_and_coercion() {
        let s = sql(json!({"rank": {"$gte": "2", "$lt": 10}, "discountable": "true", "handle": {"$nin": ["x"]}})).unwrap();
        assert!(
            s.contains(r#""product"."rank" >= 2"#) && s.contains(r#""product"."rank" < 10"#),
            "{s}"
        );
        assert!(s.contains(r#""product"."discountable" = TRUE"#), "{s}");
        assert!(s.contains(r#"NOT IN ('x')"#), "{s}");
    }

    #[test]
    fn or_and_search() {
        let s = sql(json!({"$or": [{"handle": "a"}, {"handle": "b"}], "q": "Shi_rt"})).unwrap();
        assert!(s.contains(" OR "), "{s}");
        assert!(
            s.contains(r#"LOWER("product"."title") LIKE '%shi\_rt%' ESCAPE '\'"#),
            "{s}"
        );
    }

    #[test]
    fn bad_filters_are_named() {
        assert_eq!(
            sql(json!({"nope": 1})),
            Err(FilterError("Unknown filter field 'nope' on product".into()))
        );
        assert!(
            sql(json!({"rank": "high"}))
                .unwrap_err()
                .0
                .contains("product.rank")
        );
        assert!(
            sql(json!({"rank": {"$regex": "x"}}))
                .unwrap_err()
                .0
                .contains("$regex")
        );
        assert!(sql(json!([1])).is_err());
    }
}
