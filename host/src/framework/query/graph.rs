//! The query engine behind `query.graph` and the HTTP `fields` parameter.

use std::sync::Arc;

use sea_query::{Alias, Expr, Query as Sql, SimpleExpr};
use serde_json::Value;

use super::fields::FieldTree;
use crate::db::{ColumnKind, ColumnSpec, Dialect, Exec};
use crate::framework::data::embed::{LinkJoin, LinkRows};
use crate::framework::data::filter::{FilterError, RelationFilters};
use crate::framework::data::{BoxFut, FindOptions, LinkExpander, Row, ServiceError};
use crate::framework::dml::ModelDef;
use crate::framework::modules::Registry;

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("Unknown entity: {0}")]
    UnknownEntity(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct GraphRequest {
    /// Entity (model) name, e.g. `product`.
    pub entity: String,
    /// Fields, relations and linked entities to return.
    pub fields: FieldTree,
    /// Medusa filters; keys may name relations and links.
    pub filters: Value,
    /// Limit, offset, order, keyset.
    pub pagination: FindOptions,
    /// Also count every match (for `count` in list responses).
    pub count: bool,
}

/// What was read.
#[derive(Debug, Clone, Default)]
pub struct GraphResult {
    pub data: Vec<Row>,
    pub count: Option<i64>,
}

/// The query engine over a registry of modules and links.
#[derive(Debug, Clone)]
pub struct Query {
    registry: Arc<Registry>,
    /// Read relations and links inside their parent's statement where the
    /// database can (see `framework::data::embed`).
    embedding: bool,
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

impl Query {
    pub fn new(registry: Arc<Registry>) -> Self {
        Self {
            registry,
            embedding: true,
        }
    }

    /// The same engine reading every relation and link with statements of
    /// its own, one per level (to compare both paths).
    pub fn one_query_per_relation(mut self) -> Self {
        self.embedding = false;
        self
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The service reading `module`'s rows for this engine.
    pub(super) fn service(
        &self,
        module: &Arc<crate::framework::dml::ModuleDef>,
    ) -> crate::framework::data::ModuleService {
        let service = crate::framework::data::ModuleService::new(module.clone());
        if self.embedding {
            service
        } else {
            service.one_query_per_relation()
        }
    }

    /// Runs one graph query.
    pub async fn graph(
        &self,
        exec: &mut Exec<'_>,
        request: &GraphRequest,
    ) -> Result<GraphResult, QueryError> {
        let (module, model) = self
            .registry
            .entity(&request.entity)
            .ok_or_else(|| QueryError::UnknownEntity(request.entity.clone()))?;
        let service = self.service(module);
        let dialect = exec.dialect();
        let cond = service.condition(model, &request.filters, dialect, Some(self))?;
        let count = if request.count {
            let mut select = Sql::select();
            select
                .expr(sea_query::Func::count(col(&model.table, "id")))
                .from(Alias::new(&model.table))
                .cond_where(cond.clone());
            if !request.pagination.with_deleted {
                select.and_where(col(&model.table, "deleted_at").is_null());
            }
            Some(exec.fetch_i64(&select).await.map_err(ServiceError::from)?)
        } else {
            None
        };
        let select = service.select(model, cond, &request.pagination)?;
        let mut data = service
            .fetch_expanded(exec, model, select, &request.fields, Some(self))
            .await?;
        crate::framework::data::project(&mut data, &request.fields);
        Ok(GraphResult { data, count })
    }
}

impl LinkExpander for Query {
    fn has_link(&self, model: &ModelDef, name: &str) -> bool {
        self.registry.link_field(&model.name, name).is_some()
    }

    fn expand_link<'a, 'e: 'a>(
        &'a self,
        exec: &'a mut Exec<'e>,
        model: &'a ModelDef,
        rows: &'a mut [Row],
        name: &'a str,
        tree: &'a FieldTree,
    ) -> Option<BoxFut<'a, ()>> {
        let end = self.registry.link_field(&model.name, name)?;
        let (other_module, other_model) = self.registry.entity(&end.other.model)?;
        Some(Box::pin(async move {
            if end.link.exposes_rows() {
                return super::link_rows::expand(
                    exec,
                    end,
                    (other_module, other_model),
                    rows,
                    name,
                    tree,
                    self,
                )
                .await;
            }
            let table = end.link.table();
            let (this_col, other_col) = (end.this.column(), end.other.column());
            let ids: Vec<String> = rows
                .iter()
                .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
                .collect();
            let mut pairs_select = Sql::select();
            pairs_select
                .columns([
                    (Alias::new(&table), Alias::new(&this_col)),
                    (Alias::new(&table), Alias::new(&other_col)),
                ])
                .from(Alias::new(&table))
                .and_where(crate::framework::data::filter::text_in(
                    col(&table, &this_col),
                    ids,
                    exec.dialect(),
                ))
                .and_where(col(&table, "deleted_at").is_null())
                .order_by(
                    (Alias::new(&table), Alias::new("id")),
                    sea_query::Order::Asc,
                );
            let spec = [text(&this_col), text(&other_col)];
            let pairs = exec.fetch(&pairs_select, &spec).await?;
            let mut other_ids: Vec<String> = pairs
                .iter()
                .filter_map(|p| p.get(&other_col)?.as_str().map(str::to_owned))
                .collect();
            other_ids.sort();
            other_ids.dedup();
            let service = self.service(other_module);
            let linked = service
                .fetch_in(exec, other_model, "id", other_ids, tree, Some(self))
                .await?;
            crate::framework::data::service::attach_through_pairs(
                rows,
                name,
                &pairs,
                (&this_col, &other_col),
                &linked,
                end.other.is_list,
            );
            Ok(())
        }))
    }

    fn link_join(&self, model: &ModelDef, name: &str) -> Option<LinkJoin<'_>> {
        let end = self.registry.link_field(&model.name, name)?;
        let (module, other) = self.registry.entity(&end.other.model)?;
        let rows = end.link.exposes_rows().then(|| LinkRows {
            columns: super::link_rows::columns(&end),
            record_field: end.other.record_field(),
        });
        Some(LinkJoin {
            table: end.link.table(),
            this_column: end.this.column(),
            other_column: end.other.column(),
            many: end.other.is_list,
            module,
            model: other,
            rows,
        })
    }
}

impl RelationFilters for Query {
    fn relation_condition(
        &self,
        model: &ModelDef,
        name: &str,
        nested: &Value,
        dialect: Dialect,
    ) -> Option<Result<SimpleExpr, FilterError>> {
        let end = self.registry.link_field(&model.name, name)?;
        let (other_module, other_model) = self.registry.entity(&end.other.model)?;
        let service = self.service(other_module);
        let inner = match service.condition(other_model, nested, dialect, Some(self)) {
            Ok(c) => c,
            Err(e) => return Some(Err(FilterError(e.to_string()))),
        };
        let table = end.link.table();
        let mut matching = Sql::select();
        matching
            .column((Alias::new(&other_model.table), Alias::new("id")))
            .from(Alias::new(&other_model.table))
            .cond_where(inner)
            .and_where(col(&other_model.table, "deleted_at").is_null());
        let mut via = Sql::select();
        via.column((Alias::new(&table), Alias::new(end.this.column())))
            .from(Alias::new(&table))
            .and_where(col(&table, &end.other.column()).in_subquery(matching))
            .and_where(col(&table, "deleted_at").is_null());
        Some(Ok(col(&model.table, "id").in_subquery(via)))
    }
}

fn text(name: &str) -> ColumnSpec {
    ColumnSpec {
        name: name.to_owned(),
        kind: ColumnKind::Text,
    }
}
