//! The generic service of a module: list, count, retrieve, create, update,
//! upsert, delete, soft delete and restore over the module's *own* models,
//! with Medusa's filters, relation loading (one query per relation per level),
//! ordering and limit/offset or keyset pagination. Rows are JSON objects.
//!
//! A service is bound to one module: naming a model of another module is an
//! error, and filters only follow relations inside the module (links are the
//! query layer's business).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sea_query::{Alias, Cond, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde_json::{Map, Value};

use crate::db::{ColumnKind, Database, DbError, Dialect, Exec, codec};
use crate::framework::dml::{FieldKind, ModelDef, ModuleDef, RelationKind};
use crate::framework::query::fields::FieldTree;

use super::filter::{self, FilterError, RelationFilters};
use super::values::{column_kind, model_columns};

/// A JSON row.
pub type Row = Map<String, Value>;

/// Why a service call failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("module {module} has no model {model}")]
    NotOwnModel { module: String, model: String },
    #[error("{entity} with id: {id} was not found")]
    NotFound { entity: String, id: String },
    #[error("{0}")]
    InvalidData(String),
    #[error("{0}")]
    Duplicate(String),
    #[error(transparent)]
    Db(DbError),
}

impl From<DbError> for ServiceError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::UniqueViolation { constraint } => Self::Duplicate(format!(
                "A record with the same {constraint} already exists."
            )),
            other => Self::Db(other),
        }
    }
}

impl From<FilterError> for ServiceError {
    fn from(err: FilterError) -> Self {
        Self::InvalidData(err.0)
    }
}

/// One ordering term: `created_at` or `-created_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    pub field: String,
    pub desc: bool,
}

impl OrderBy {
    /// Parses Medusa's `order` parameter.
    pub fn parse(raw: &str) -> Self {
        match raw.trim().strip_prefix('-') {
            Some(field) => Self {
                field: field.to_owned(),
                desc: true,
            },
            None => Self {
                field: raw.trim().to_owned(),
                desc: false,
            },
        }
    }
}

/// How to read rows.
#[derive(Debug, Clone, Default)]
pub struct FindOptions {
    /// Fields and relations to return; `None` returns every field and no relation.
    pub fields: Option<FieldTree>,
    pub limit: Option<u64>,
    pub offset: u64,
    pub order: Vec<OrderBy>,
    /// Keyset pagination: only rows whose id sorts after this one (ids sort by
    /// creation time), ordered by id.
    pub after: Option<String>,
    pub with_deleted: bool,
}

/// Pascal-case entity name for messages: `product_variant` -> `ProductVariant`.
pub fn entity_name(model: &str) -> String {
    model
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

pub(super) fn now(dialect: Dialect) -> SimpleExpr {
    let now = Value::String(codec::format_timestamp(chrono::Utc::now()));
    match codec::encode(&now, ColumnKind::Timestamp, dialect) {
        Ok(v) => v.into(),
        Err(_) => Expr::cust("CURRENT_TIMESTAMP"),
    }
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// A boxed future of a service result (relation loading recurses).
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = Result<T, ServiceError>> + Send + 'a>>;

/// Loads relations that are not the module's own (module links) into rows.
pub trait LinkExpander: Sync {
    /// True when `model` has a link reached under `name`.
    fn has_link(&self, model: &ModelDef, name: &str) -> bool;

    /// Loads the link `name` of `model` into `rows`, or `None` when `model` has
    /// no link of that name.
    fn expand_link<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a ModelDef,
        rows: &'a mut [Row],
        name: &'a str,
        tree: &'a FieldTree,
    ) -> Option<BoxFut<'a, ()>>;

    /// How the link `name` of `model` joins, when its rows can be read in
    /// the parent's statement (a plain link table); `None` otherwise.
    fn link_join(&self, _model: &ModelDef, _name: &str) -> Option<super::embed::LinkJoin<'_>> {
        None
    }
}

/// The generic service of one module.
#[derive(Debug, Clone)]
pub struct ModuleService {
    module: Arc<ModuleDef>,
    /// Read relations and links inside their parent's statement on
    /// PostgreSQL (see [`super::embed`]).
    embedding: bool,
}

impl ModuleService {
    pub fn new(module: Arc<ModuleDef>) -> Self {
        Self {
            module,
            embedding: true,
        }
    }

    /// The same service reading every relation with its own statement, as
    /// on SQLite (to check both paths return the same rows).
    pub fn one_query_per_relation(mut self) -> Self {
        self.embedding = false;
        self
    }

    pub fn definition(&self) -> &ModuleDef {
        &self.module
    }

    pub fn name(&self) -> &str {
        &self.module.name
    }

    /// One of this module's models; any other name is refused.
    pub fn model(&self, name: &str) -> Result<&ModelDef, ServiceError> {
        self.module
            .find_model(name)
            .ok_or_else(|| ServiceError::NotOwnModel {
                module: self.module.name.clone(),
                model: name.to_owned(),
            })
    }

    /// The condition selecting `filter` on `model`, following in-module
    /// relations and, through `extra`, module links.
    pub fn condition(
        &self,
        model: &ModelDef,
        filter: &Value,
        dialect: Dialect,
        extra: Option<&dyn RelationFilters>,
    ) -> Result<sea_query::Condition, ServiceError> {
        let relations = ModuleRelations {
            module: &self.module,
            extra,
        };
        Ok(filter::build(model, filter, dialect, &relations)?)
    }

    fn base_select(
        &self,
        model: &ModelDef,
        cond: sea_query::Condition,
        with_deleted: bool,
    ) -> SelectStatement {
        let mut select = Query::select();
        select.from(Alias::new(&model.table)).cond_where(cond);
        if !with_deleted {
            select.and_where(col(&model.table, "deleted_at").is_null());
        }
        select
    }

    /// Builds the paged select of `model` rows (every column).
    pub fn select(
        &self,
        model: &ModelDef,
        cond: sea_query::Condition,
        opts: &FindOptions,
    ) -> Result<SelectStatement, ServiceError> {
        let mut select = self.base_select(model, cond, opts.with_deleted);
        for c in model.columns() {
            select.column((Alias::new(&model.table), Alias::new(c)));
        }
        if let Some(after) = &opts.after {
            select.and_where(col(&model.table, "id").gt(after.clone()));
            select.order_by((Alias::new(&model.table), Alias::new("id")), Order::Asc);
        } else {
            for term in &opts.order {
                if model.column_kind(&term.field).is_none() {
                    return Err(ServiceError::InvalidData(format!(
                        "Order field {} is not valid",
                        term.field
                    )));
                }
                let order = if term.desc { Order::Desc } else { Order::Asc };
                select.order_by((Alias::new(&model.table), Alias::new(&term.field)), order);
            }
            select.order_by((Alias::new(&model.table), Alias::new("id")), Order::Asc);
        }
        if let Some(limit) = opts.limit {
            select.limit(limit);
        }
        if opts.offset > 0 {
            select.offset(opts.offset);
        }
        Ok(select)
    }

    /// Rows of `model` matching `filter`.
    pub async fn list(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        filter: &Value,
        opts: &FindOptions,
    ) -> Result<Vec<Row>, ServiceError> {
        let m = self.model(model)?;
        let cond = self.condition(m, filter, exec.dialect(), None)?;
        let select = self.select(m, cond, opts)?;
        let Some(tree) = &opts.fields else {
            return Ok(exec.fetch(&select, &model_columns(m)).await?);
        };
        let mut rows = self.fetch_expanded(exec, m, select, tree, None).await?;
        project(&mut rows, tree);
        Ok(rows)
    }

    /// Rows of `model` matching `filter`, and how many match in all.
    pub async fn list_and_count(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        filter: &Value,
        opts: &FindOptions,
    ) -> Result<(Vec<Row>, i64), ServiceError> {
        let rows = self.list(exec, model, filter, opts).await?;
        let count = self.count(exec, model, filter, opts.with_deleted).await?;
        Ok((rows, count))
    }

    /// How many rows of `model` match `filter`.
    pub async fn count(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        filter: &Value,
        with_deleted: bool,
    ) -> Result<i64, ServiceError> {
        let m = self.model(model)?;
        let cond = self.condition(m, filter, exec.dialect(), None)?;
        let mut select = self.base_select(m, cond, with_deleted);
        select.expr(Func::count(col(&m.table, "id")));
        Ok(exec.fetch_i64(&select).await?)
    }

    /// One row by id, or `NotFound`.
    pub async fn retrieve(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        id: &str,
        fields: Option<&FieldTree>,
    ) -> Result<Row, ServiceError> {
        let opts = FindOptions {
            fields: fields.cloned(),
            ..Default::default()
        };
        self.list(
            exec,
            model,
            &Value::from_iter(
                [("id".to_owned(), Value::from(id))]
                    .into_iter()
                    .collect::<Map<_, _>>(),
            ),
            &opts,
        )
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::NotFound {
            entity: entity_name(model),
            id: id.to_owned(),
        })
    }

    /// Loads the relations `tree` asks for into `rows` and trims them to the
    /// selected fields: one query per relation per level. Outside a
    /// transaction, sibling relations load at the same time on separate
    /// pooled connections.
    pub fn expand<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a ModelDef,
        rows: &'a mut [Row],
        tree: &'a FieldTree,
        extra: Option<&'a dyn LinkExpander>,
    ) -> BoxFut<'a, ()> {
        Box::pin(async move {
            if rows.is_empty() {
                return Ok(());
            }
            let everything = FieldTree::from_paths(["*"]);
            let bare = tree.scalars.iter().filter(|s| {
                !tree.relations.contains_key(*s)
                    && (model.find_relation(s).is_some()
                        || extra.is_some_and(|x| x.has_link(model, s)))
            });
            let wanted: Vec<(&String, &FieldTree)> = tree
                .relations
                .iter()
                .chain(bare.map(|s| (s, &everything)))
                .collect();
            if let (Exec::Db(db), true) = (&*exec, wanted.len() > 1) {
                let db: &Database = db;
                let loads = wanted.iter().map(|(name, subtree)| {
                    let mut local = rows.to_vec();
                    async move {
                        self.expand_one(&mut Exec::Db(db), model, &mut local, name, subtree, extra)
                            .await?;
                        Ok::<_, ServiceError>((name, local))
                    }
                });
                for (name, local) in futures::future::try_join_all(loads).await? {
                    for (row, loaded) in rows.iter_mut().zip(local) {
                        if let Some(value) = loaded.get(name.as_str()) {
                            row.insert(name.to_string(), value.clone());
                        }
                    }
                }
                return Ok(());
            }
            for (name, subtree) in wanted {
                self.expand_one(exec, model, rows, name, subtree, extra)
                    .await?;
            }
            Ok(())
        })
    }

    /// Loads one relation (or link) `name` of `model` into `rows`.
    fn expand_one<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a ModelDef,
        rows: &'a mut [Row],
        name: &'a str,
        subtree: &'a FieldTree,
        extra: Option<&'a dyn LinkExpander>,
    ) -> BoxFut<'a, ()> {
        Box::pin(async move {
            let Some(rel) = model.find_relation(name) else {
                if let Some(fut) =
                    extra.and_then(|x| x.expand_link(exec, model, rows, name, subtree))
                {
                    fut.await?;
                }
                return Ok(());
            };
            let target = self.model(&rel.target)?;
            match &rel.kind {
                RelationKind::BelongsTo { foreign_key } => {
                    let keys = distinct(rows.iter().filter_map(|r| r.get(foreign_key)));
                    let related = self
                        .fetch_in(exec, target, "id", keys, subtree, extra)
                        .await?;
                    let by_id: HashMap<String, Row> = related
                        .into_iter()
                        .filter_map(|r| Some((r.get("id")?.as_str()?.to_owned(), r)))
                        .collect();
                    for row in rows.iter_mut() {
                        let value = row
                            .get(foreign_key)
                            .and_then(Value::as_str)
                            .and_then(|k| by_id.get(k))
                            .cloned();
                        row.insert(name.to_owned(), value.map_or(Value::Null, Value::Object));
                    }
                }
                RelationKind::HasMany { foreign_key } | RelationKind::HasOne { foreign_key } => {
                    let ids = distinct(rows.iter().filter_map(|r| r.get("id")));
                    let related = self
                        .fetch_in(exec, target, foreign_key, ids, subtree, extra)
                        .await?;
                    let mut grouped: HashMap<String, Vec<Value>> = HashMap::new();
                    for r in related {
                        if let Some(k) = r.get(foreign_key).and_then(Value::as_str) {
                            grouped
                                .entry(k.to_owned())
                                .or_default()
                                .push(Value::Object(r));
                        }
                    }
                    let single = matches!(rel.kind, RelationKind::HasOne { .. });
                    for row in rows.iter_mut() {
                        let list = row
                            .get("id")
                            .and_then(Value::as_str)
                            .and_then(|id| grouped.remove(id))
                            .unwrap_or_default();
                        let value = if single {
                            list.into_iter().next().unwrap_or(Value::Null)
                        } else {
                            Value::Array(list)
                        };
                        row.insert(name.to_owned(), value);
                    }
                }
                RelationKind::ManyToMany { pivot } => {
                    let (own, other) =
                        (format!("{}_id", model.name), format!("{}_id", target.name));
                    let ids = distinct(rows.iter().filter_map(|r| r.get("id")));
                    let mut select = Query::select();
                    select
                        .columns([
                            (Alias::new(pivot), Alias::new(&own)),
                            (Alias::new(pivot), Alias::new(&other)),
                        ])
                        .from(Alias::new(pivot))
                        .and_where(filter::text_in(col(pivot, &own), ids, exec.dialect()))
                        // Each row's related rows in id order, as embedded.
                        .order_by((Alias::new(pivot), Alias::new(&other)), Order::Asc);
                    let spec = [text_column(&own), text_column(&other)];
                    let pairs = exec.fetch(&select, &spec).await?;
                    let target_ids = distinct(pairs.iter().filter_map(|p| p.get(&other)));
                    let related = self
                        .fetch_in(exec, target, "id", target_ids, subtree, extra)
                        .await?;
                    attach_through_pairs(rows, name, &pairs, (&own, &other), &related, true);
                }
            }
            Ok(())
        })
    }

    /// Rows of `model` whose `column` is one of `values`, expanded with `tree`.
    pub fn fetch_in<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a ModelDef,
        column: &'a str,
        values: Vec<String>,
        tree: &'a FieldTree,
        extra: Option<&'a dyn LinkExpander>,
    ) -> BoxFut<'a, Vec<Row>> {
        Box::pin(async move {
            if values.is_empty() {
                return Ok(Vec::new());
            }
            let cond = Cond::all().add(filter::text_in(
                col(&model.table, column),
                values,
                exec.dialect(),
            ));
            let select = self.select(model, cond, &FindOptions::default())?;
            self.fetch_expanded(exec, model, select, tree, extra).await
        })
    }

    /// Runs `select` (every column of `model`) and loads the relations
    /// `tree` asks for. On PostgreSQL those that can be are read by the same
    /// statement; the rest one query per relation per level.
    pub async fn fetch_expanded(
        &self,
        exec: &mut Exec<'_>,
        model: &ModelDef,
        mut select: SelectStatement,
        tree: &FieldTree,
        extra: Option<&dyn LinkExpander>,
    ) -> Result<Vec<Row>, ServiceError> {
        let mut columns = model_columns(model);
        let embeds = if self.embedding && exec.dialect() == Dialect::Postgres {
            super::embed::plan(&self.module, model, tree, extra)
        } else {
            Vec::new()
        };
        if embeds.is_empty() {
            let mut rows = exec.fetch(&select, &columns).await?;
            self.expand(exec, model, &mut rows, tree, extra).await?;
            return Ok(rows);
        }
        columns.extend(super::embed::add_columns(
            &mut select,
            &model.table,
            &embeds,
        ));
        let mut rows = exec.fetch(&select, &columns).await?;
        super::embed::attach(&mut rows, &embeds);
        let rest = super::embed::remaining(tree, &embeds);
        self.expand(exec, model, &mut rows, &rest, extra).await?;
        Ok(rows)
    }

    /// Checks and encodes the writable fields of `data` for `model`.
    pub(super) fn encode_fields(
        &self,
        model: &ModelDef,
        data: &Row,
        dialect: Dialect,
        creating: bool,
    ) -> Result<Vec<(String, SimpleExpr)>, ServiceError> {
        self.encode_fields_but(model, data, dialect, creating, &[])
    }

    /// [`Self::encode_fields`] leaving out the fields named in `skip` (the
    /// caller sets them otherwise).
    pub(super) fn encode_fields_but(
        &self,
        model: &ModelDef,
        data: &Row,
        dialect: Dialect,
        creating: bool,
        skip: &[&str],
    ) -> Result<Vec<(String, SimpleExpr)>, ServiceError> {
        for key in data.keys() {
            if key != "id" && model.find_field(key).is_none() {
                return Err(ServiceError::InvalidData(format!(
                    "Unrecognized field '{key}' on {}",
                    model.name
                )));
            }
        }
        let mut out = Vec::new();
        for field in model
            .fields
            .iter()
            .filter(|f| !skip.contains(&f.name.as_str()))
        {
            let value = match data.get(&field.name) {
                Some(v) => v.clone(),
                None if !creating => continue,
                None => field.default.clone().unwrap_or(Value::Null),
            };
            if value.is_null() && !field.nullable {
                return Err(ServiceError::InvalidData(format!(
                    "Field '{}' on {} is required",
                    field.name, model.name
                )));
            }
            super::values::check_enum(&field.kind, &value).map_err(|e| {
                ServiceError::InvalidData(format!(
                    "Invalid value for {}.{}: {e}",
                    model.name, field.name
                ))
            })?;
            let encoded =
                codec::encode(&value, column_kind(&field.kind), dialect).map_err(|e| {
                    ServiceError::InvalidData(format!(
                        "Invalid value for {}.{}: {e}",
                        model.name, field.name
                    ))
                })?;
            out.push((field.name.clone(), encoded.into()));
            if field.kind == FieldKind::BigNumber {
                let raw = codec::raw_decimal(&value).unwrap_or(Value::Null);
                let encoded = codec::encode(&raw, ColumnKind::Json, dialect)
                    .map_err(|e| ServiceError::InvalidData(e.to_string()))?;
                out.push((format!("raw_{}", field.name), encoded.into()));
            }
        }
        Ok(out)
    }

    /// Creates rows (ids generated unless given) in one statement; returns them.
    pub async fn create(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        items: Vec<Row>,
    ) -> Result<Vec<Row>, ServiceError> {
        let m = self.model(model)?;
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let (mut insert, ids) = self.insert_statement(exec.dialect(), model, &items, &[])?;
        self.write_returning(exec, m, &mut insert, &ids).await
    }

    /// Runs `statement` with `RETURNING` every column and answers the rows
    /// in the order of `ids` (one round trip instead of a write plus a read).
    async fn write_returning<S>(
        &self,
        exec: &mut Exec<'_>,
        model: &ModelDef,
        statement: &mut S,
        ids: &[String],
    ) -> Result<Vec<Row>, ServiceError>
    where
        S: sea_query_binder::SqlxBinder + Returning,
    {
        let columns = model_columns(model);
        statement.returning_columns(columns.iter().map(|c| Alias::new(&c.name)));
        let rows = exec.write_returning(statement, &columns).await?;
        let mut by_id: HashMap<String, Row> = rows
            .into_iter()
            .filter_map(|r| Some((r.get("id")?.as_str()?.to_owned(), r)))
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    async fn matching_ids(
        &self,
        exec: &mut Exec<'_>,
        model: &ModelDef,
        filter: &Value,
        with_deleted: bool,
    ) -> Result<Vec<String>, ServiceError> {
        let cond = self.condition(model, filter, exec.dialect(), None)?;
        let mut select = self.base_select(model, cond, with_deleted);
        select.column((Alias::new(&model.table), Alias::new("id")));
        let rows = exec.fetch(&select, &[text_column("id")]).await?;
        Ok(distinct(rows.iter().filter_map(|r| r.get("id"))))
    }

    /// Updates every row matching `filter` with `data`; returns the updated rows.
    pub async fn update(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        filter: &Value,
        data: &Row,
    ) -> Result<Vec<Row>, ServiceError> {
        let m = self.model(model)?;
        // By one id (the common case) the update itself finds the row.
        if let Some(id) = filter
            .as_object()
            .filter(|f| f.len() == 1)
            .and_then(|f| f.get("id"))
            .and_then(Value::as_str)
        {
            let mut update = self.update_statement(exec.dialect(), model, id, data)?;
            return self
                .write_returning(exec, m, &mut update, &[id.to_owned()])
                .await;
        }
        if data.contains_key("id") {
            return Err(ServiceError::InvalidData("id cannot be updated".into()));
        }
        let mut values = self.encode_fields(m, data, exec.dialect(), false)?;
        values.push(("updated_at".into(), now(exec.dialect())));
        let mut update = Query::update();
        update
            .table(Alias::new(&m.table))
            .values(values.into_iter().map(|(c, v)| (Alias::new(c), v)));
        update.and_where(col(&m.table, "deleted_at").is_null());
        // Any other filter: the update finds its rows too, in one
        // statement; they come back in id order.
        let cond = self.condition(m, filter, exec.dialect(), None)?;
        update.cond_where(cond);
        let columns = model_columns(m);
        update.returning_columns(columns.iter().map(|c| Alias::new(&c.name)));
        let mut rows = exec.write_returning(&update, &columns).await?;
        rows.sort_by(|a, b| {
            a.get("id")
                .and_then(Value::as_str)
                .cmp(&b.get("id").and_then(Value::as_str))
        });
        Ok(rows)
    }

    /// Updates one row by id, or `NotFound`.
    pub async fn update_by_id(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        id: &str,
        data: &Row,
    ) -> Result<Row, ServiceError> {
        let filter = Value::Object([("id".to_owned(), Value::from(id))].into_iter().collect());
        self.update(exec, model, &filter, data)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ServiceError::NotFound {
                entity: entity_name(model),
                id: id.to_owned(),
            })
    }

    /// Creates the items without an existing id, updates the others.
    pub async fn upsert(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        items: Vec<Row>,
    ) -> Result<Vec<Row>, ServiceError> {
        let m = self.model(model)?;
        let given = distinct(items.iter().filter_map(|i| i.get("id")));
        let existing = if given.is_empty() {
            Vec::new()
        } else {
            let filter = Value::Object(
                [("id".to_owned(), Value::from(given))]
                    .into_iter()
                    .collect(),
            );
            self.matching_ids(exec, m, &filter, true).await?
        };
        let mut out = Vec::with_capacity(items.len());
        for mut item in items {
            match item.get("id").and_then(Value::as_str).map(str::to_owned) {
                Some(id) if existing.contains(&id) => {
                    item.remove("id");
                    out.push(self.update_by_id(exec, model, &id, &item).await?);
                }
                _ => out.extend(self.create(exec, model, vec![item]).await?),
            }
        }
        Ok(out)
    }

    /// Ids of rows related through cascading relations, per relation target.
    async fn cascade_targets(
        &self,
        exec: &mut Exec<'_>,
        model: &ModelDef,
        ids: &[String],
    ) -> Result<Vec<(String, Vec<String>)>, ServiceError> {
        let mut out = Vec::new();
        for rel in model.relations.iter().filter(|r| r.cascade_delete) {
            if let RelationKind::HasMany { foreign_key } | RelationKind::HasOne { foreign_key } =
                &rel.kind
            {
                let target = self.model(&rel.target)?;
                let filter = Value::Object(
                    [(foreign_key.clone(), Value::from(ids.to_vec()))]
                        .into_iter()
                        .collect(),
                );
                let child_ids = self.matching_ids(exec, target, &filter, true).await?;
                if !child_ids.is_empty() {
                    out.push((target.name.clone(), child_ids));
                }
            }
        }
        Ok(out)
    }

    /// Deletes rows for good, with their cascading relations and pivot rows.
    pub fn delete<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a str,
        ids: &'a [String],
    ) -> BoxFut<'a, u64> {
        Box::pin(async move {
            let m = self.model(model)?;
            if ids.is_empty() {
                return Ok(0);
            }
            for (child, child_ids) in self.cascade_targets(exec, m, ids).await? {
                self.delete(exec, &child, &child_ids).await?;
            }
            for rel in &m.relations {
                if let RelationKind::ManyToMany { pivot } = &rel.kind {
                    let mut del = Query::delete();
                    del.from_table(Alias::new(pivot))
                        .and_where(col(pivot, &format!("{}_id", m.name)).is_in(ids.to_vec()));
                    exec.execute(&del).await?;
                }
            }
            let mut del = Query::delete();
            del.from_table(Alias::new(&m.table))
                .and_where(col(&m.table, "id").is_in(ids.to_vec()));
            Ok(exec.execute(&del).await?)
        })
    }

    /// Marks rows (and cascading relations) deleted; returns the ids per model.
    pub fn soft_delete<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a str,
        ids: &'a [String],
    ) -> BoxFut<'a, BTreeMap<String, Vec<String>>> {
        self.set_deleted(exec, model, ids, true)
    }

    /// Undoes [`ModuleService::soft_delete`].
    pub fn restore<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a str,
        ids: &'a [String],
    ) -> BoxFut<'a, BTreeMap<String, Vec<String>>> {
        self.set_deleted(exec, model, ids, false)
    }

    fn set_deleted<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a str,
        ids: &'a [String],
        deleted: bool,
    ) -> BoxFut<'a, BTreeMap<String, Vec<String>>> {
        Box::pin(async move {
            let m = self.model(model)?;
            let mut affected = BTreeMap::new();
            if ids.is_empty() {
                return Ok(affected);
            }
            for (child, child_ids) in self.cascade_targets(exec, m, ids).await? {
                for (k, v) in self.set_deleted(exec, &child, &child_ids, deleted).await? {
                    affected.entry(k).or_insert_with(Vec::new).extend(v);
                }
            }
            let value = if deleted {
                now(exec.dialect())
            } else {
                Expr::cust("NULL")
            };
            let mut update = Query::update();
            update
                .table(Alias::new(&m.table))
                .values([
                    (Alias::new("deleted_at"), value),
                    (Alias::new("updated_at"), now(exec.dialect())),
                ])
                .and_where(col(&m.table, "id").is_in(ids.to_vec()));
            if deleted {
                update.and_where(col(&m.table, "deleted_at").is_null());
            } else {
                update.and_where(col(&m.table, "deleted_at").is_not_null());
            }
            exec.execute(&update).await?;
            affected
                .entry(m.name.clone())
                .or_insert_with(Vec::new)
                .extend(ids.iter().cloned());
            Ok(affected)
        })
    }

    /// Replaces the rows `id` is related to through the many-to-many `relation`.
    pub async fn set_related(
        &self,
        exec: &mut Exec<'_>,
        model: &str,
        relation: &str,
        id: &str,
        target_ids: &[String],
    ) -> Result<(), ServiceError> {
        let m = self.model(model)?;
        let rel = m.find_relation(relation).ok_or_else(|| {
            ServiceError::InvalidData(format!("{model} has no relation {relation}"))
        })?;
        let RelationKind::ManyToMany { pivot } = &rel.kind else {
            return Err(ServiceError::InvalidData(format!(
                "{model}.{relation} is not many-to-many"
            )));
        };
        let target = self.model(&rel.target)?;
        let (own, other) = (format!("{}_id", m.name), format!("{}_id", target.name));
        let mut del = Query::delete();
        del.from_table(Alias::new(pivot))
            .and_where(col(pivot, &own).eq(id));
        exec.execute(&del).await?;
        if target_ids.is_empty() {
            return Ok(());
        }
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(pivot))
            .columns([Alias::new(&own), Alias::new(&other)]);
        for t in distinct(
            target_ids
                .iter()
                .map(|t| Value::from(t.as_str()))
                .collect::<Vec<_>>()
                .iter(),
        ) {
            insert
                .values([id.into(), t.into()])
                .map_err(|e| ServiceError::Db(DbError::Build(e.to_string())))?;
        }
        exec.execute(&insert).await?;
        Ok(())
    }
}

fn text_column(name: &str) -> crate::db::ColumnSpec {
    crate::db::ColumnSpec {
        name: name.to_owned(),
        kind: ColumnKind::Text,
    }
}

/// Attaches `related` rows to `rows` under `name` through `pairs` of
/// (`columns.0` = row id, `columns.1` = related id): a list, or the first
/// match (or null) when `many` is false. Used for pivots and link tables.
pub fn attach_through_pairs(
    rows: &mut [Row],
    name: &str,
    pairs: &[Row],
    columns: (&str, &str),
    related: &[Row],
    many: bool,
) {
    let by_id: HashMap<&str, &Row> = related
        .iter()
        .filter_map(|r| Some((r.get("id")?.as_str()?, r)))
        .collect();
    let mut grouped: HashMap<&str, Vec<Value>> = HashMap::new();
    for p in pairs {
        if let (Some(a), Some(b)) = (
            p.get(columns.0).and_then(Value::as_str),
            p.get(columns.1).and_then(Value::as_str),
        ) && let Some(r) = by_id.get(b)
        {
            grouped
                .entry(a)
                .or_default()
                .push(Value::Object((*r).clone()));
        }
    }
    for row in rows.iter_mut() {
        let list = row
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| grouped.get(id))
            .cloned()
            .unwrap_or_default();
        let value = if many {
            Value::Array(list)
        } else {
            list.into_iter().next().unwrap_or(Value::Null)
        };
        row.insert(name.to_owned(), value);
    }
}

/// Distinct non-empty strings, in first-seen order.
fn distinct<'v>(values: impl Iterator<Item = &'v Value>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values
        .filter_map(Value::as_str)
        .filter(|s| !s.is_empty() && seen.insert(*s))
        .map(str::to_owned)
        .collect()
}

/// Keeps only the selected scalars (all when a level selects `*` or no
/// scalar) plus `id` and the selected relations, at every level.
pub fn project(rows: &mut [Row], tree: &FieldTree) {
    let all = tree.scalars.is_empty() || tree.scalars.contains("*");
    for row in rows.iter_mut() {
        if !all {
            row.retain(|key, _| {
                key == "id" || tree.scalars.contains(key) || tree.relations.contains_key(key)
            });
        }
        for (name, subtree) in &tree.relations {
            match row.get_mut(name) {
                Some(Value::Object(nested)) => project(std::slice::from_mut(nested), subtree),
                Some(Value::Array(items)) => {
                    for item in items.iter_mut() {
                        if let Value::Object(nested) = item {
                            project(std::slice::from_mut(nested), subtree);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// In-module relation filters (`{"variants": {"sku": "x"}}`), then the extra
/// resolver (module links) for other names.
struct ModuleRelations<'a> {
    module: &'a ModuleDef,
    extra: Option<&'a dyn RelationFilters>,
}

impl RelationFilters for ModuleRelations<'_> {
    fn relation_condition(
        &self,
        model: &ModelDef,
        name: &str,
        nested: &Value,
        dialect: Dialect,
    ) -> Option<Result<SimpleExpr, FilterError>> {
        let Some(rel) = model.find_relation(name) else {
            return self
                .extra
                .and_then(|e| e.relation_condition(model, name, nested, dialect));
        };
        let target = self.module.find_model(&rel.target)?;
        let inner = match filter::build(target, nested, dialect, self) {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        let mut sub = Query::select();
        sub.from(Alias::new(&target.table))
            .cond_where(inner)
            .and_where(col(&target.table, "deleted_at").is_null());
        Some(Ok(match &rel.kind {
            RelationKind::BelongsTo { foreign_key } => {
                sub.column((Alias::new(&target.table), Alias::new("id")));
                col(&model.table, foreign_key).in_subquery(sub)
            }
            RelationKind::HasMany { foreign_key } | RelationKind::HasOne { foreign_key } => {
                sub.column((Alias::new(&target.table), Alias::new(foreign_key)));
                col(&model.table, "id").in_subquery(sub)
            }
            RelationKind::ManyToMany { pivot } => {
                sub.column((Alias::new(&target.table), Alias::new("id")));
                let mut via = Query::select();
                via.column((Alias::new(pivot), Alias::new(format!("{}_id", model.name))))
                    .from(Alias::new(pivot))
                    .and_where(col(pivot, &format!("{}_id", target.name)).in_subquery(sub));
                col(&model.table, "id").in_subquery(via)
            }
        }))
    }
}

/// Statements that can return the rows they wrote.
trait Returning {
    fn returning_columns(&mut self, columns: impl Iterator<Item = Alias>);
}

impl Returning for sea_query::InsertStatement {
    fn returning_columns(&mut self, columns: impl Iterator<Item = Alias>) {
        self.returning(Query::returning().columns(columns));
    }
}

impl Returning for sea_query::UpdateStatement {
    fn returning_columns(&mut self, columns: impl Iterator<Item = Alias>) {
        self.returning(Query::returning().columns(columns));
    }
}
