//! Plain admin resources (one model, no side effects): `GET` and `POST` on
//! the collection, `GET`, `POST` and `DELETE` on one record, through the
//! CRUD workflows of [`crate::flows::crud`]. Bodies are strict: only the
//! resource's writable fields, with its required ones on create. Every route
//! is added to `/openapi.json`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::routing::{MethodRouter, get};
use serde_json::{Map, Value, json};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, Paths};
use utoipa::openapi::{Required, ResponseBuilder};
use utoipa_axum::router::OpenApiRouter;

use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::crud::CrudEntity;

/// Checks and completes a create body; `Err` is the `400` message.
pub type Prepare = fn(&mut Map<String, Value>) -> Result<(), String>;

/// How one record kind is served.
pub struct Resource {
    /// Collection path under `/admin`, e.g. `/sales-channels`.
    pub path: &'static str,
    pub entity: &'static CrudEntity,
    pub singular: &'static str,
    pub plural: &'static str,
    /// Names the record in a 404 (`Sales channel with id: … was not found`).
    pub label: &'static str,
    /// Default `fields`.
    pub fields: &'static [&'static str],
    /// Query filters a list accepts (besides `q` when listed here).
    pub filters: &'static [&'static str],
    /// Body fields of create and update.
    pub writable: &'static [&'static str],
    /// Body fields create needs.
    pub required: &'static [&'static str],
    /// Checks a create body and fills its defaults (e.g. a handle from the
    /// title); an error is the `400` message.
    pub prepare: Option<Prepare>,
}

impl Resource {
    fn check_body(&self, body: &Map<String, Value>, creating: bool) -> Result<(), ApiError> {
        let unknown: Vec<String> = body
            .keys()
            .filter(|k| !self.writable.contains(&k.as_str()))
            .map(|k| format!("'{k}'"))
            .collect();
        if !unknown.is_empty() {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Unrecognized fields: {}",
                unknown.join(", ")
            )));
        }
        if creating
            && let Some(missing) = self
                .required
                .iter()
                .find(|f| body.get(**f).is_none_or(Value::is_null))
        {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{missing}' is required"
            )));
        }
        Ok(())
    }

    async fn fetch(
        &self,
        state: &AppState,
        id: &str,
        raw: Option<&str>,
    ) -> Result<Value, ApiError> {
        let q = ListQuery::parse(raw)?;
        read::one(
            state,
            self.entity.model,
            q.field_tree(self.fields),
            read::by_id(id),
            format!("{} with id: {id} was not found", self.label),
        )
        .await
    }

    async fn list(&self, state: &AppState, raw: Option<&str>) -> Result<Json<Value>, ApiError> {
        let q = ListQuery::parse(raw)?;
        let opts = q.find_options(20, None);
        let mut filters = q.filters(self.filters);
        // A filter named after a relation (`groups`) takes ids of its records.
        if let Some((_, model)) = state.runtime().registry.entity(self.entity.model) {
            for key in self.filters {
                if model.find_relation(key).is_some()
                    && let Some(ids) = q.list(key)
                {
                    filters.insert((*key).to_owned(), serde_json::json!({ "id": ids }));
                }
            }
        }
        let (rows, count) = read::list(
            state,
            self.entity.model,
            q.field_tree(self.fields),
            filters,
            opts.clone(),
        )
        .await?;
        Ok(envelope::list(
            self.plural,
            rows,
            count,
            opts.offset,
            opts.limit.unwrap_or(20),
        ))
    }

    async fn create(
        &self,
        state: &AppState,
        raw: Option<&str>,
        mut body: Map<String, Value>,
    ) -> Result<Json<Value>, ApiError> {
        self.check_body(&body, true)?;
        if let Some(prepare) = self.prepare {
            prepare(&mut body).map_err(ApiError::invalid_data)?;
        }
        let created = run(
            state,
            &self.entity.create_workflow(),
            json!({ "data": [body] }),
        )
        .await?;
        let id = created[0]["id"].as_str().unwrap_or_default().to_owned();
        Ok(envelope::one(
            self.singular,
            self.fetch(state, &id, raw).await?,
        ))
    }

    async fn update(
        &self,
        state: &AppState,
        id: &str,
        raw: Option<&str>,
        body: Map<String, Value>,
    ) -> Result<Json<Value>, ApiError> {
        self.check_body(&body, false)?;
        self.fetch(state, id, Some("fields=id")).await?;
        run(
            state,
            &self.entity.update_workflow(),
            json!({ "id": id, "data": body }),
        )
        .await?;
        Ok(envelope::one(
            self.singular,
            self.fetch(state, id, raw).await?,
        ))
    }

    async fn delete(&self, state: &AppState, id: &str) -> Result<Json<Value>, ApiError> {
        self.fetch(state, id, Some("fields=id")).await?;
        run(
            state,
            &self.entity.delete_workflow(),
            json!({ "ids": [id] }),
        )
        .await?;
        Ok(envelope::deleted(id, self.singular, None))
    }

    /// The collection and item routes, documented.
    pub fn router(&'static self) -> OpenApiRouter<AppState> {
        let collection: MethodRouter<AppState> = get(
            move |State(state): State<AppState>, RawQuery(raw): RawQuery| async move {
                self.list(&state, raw.as_deref()).await
            },
        )
        .post(
            move |State(state): State<AppState>,
                  RawQuery(raw): RawQuery,
                  ApiJson(body): ApiJson<Map<String, Value>>| async move {
                self.create(&state, raw.as_deref(), body).await
            },
        );
        let item: MethodRouter<AppState> = get(
            move |State(state): State<AppState>,
                  Path(id): Path<String>,
                  RawQuery(raw): RawQuery| async move {
                Ok::<_, ApiError>(envelope::one(
                    self.singular,
                    self.fetch(&state, &id, raw.as_deref()).await?,
                ))
            },
        )
        .post(
            move |State(state): State<AppState>,
                  Path(id): Path<String>,
                  RawQuery(raw): RawQuery,
                  ApiJson(body): ApiJson<Map<String, Value>>| async move {
                self.update(&state, &id, raw.as_deref(), body).await
            },
        )
        .delete(
            move |State(state): State<AppState>, Path(id): Path<String>| async move {
                self.delete(&state, &id).await
            },
        );
        let item_path = format!("{}/{{id}}", self.path);
        OpenApiRouter::new()
            .routes((Vec::new(), self.collection_docs(), collection))
            .routes((Vec::new(), self.item_docs(&item_path), item))
    }

    fn operation(
        &self,
        summary: String,
        answer: &str,
        with_id: bool,
    ) -> utoipa::openapi::path::Operation {
        let mut op = OperationBuilder::new()
            .tag("Admin")
            .summary(Some(summary))
            .response("200", ResponseBuilder::new().description(answer).build())
            .response(
                "401",
                ResponseBuilder::new().description("Unauthorized").build(),
            );
        if with_id {
            op = op
                .parameter(
                    ParameterBuilder::new()
                        .name("id")
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .build(),
                )
                .response(
                    "404",
                    ResponseBuilder::new()
                        .description("{type, message}")
                        .build(),
                );
        }
        op.response(
            "400",
            ResponseBuilder::new()
                .description("{type, message}")
                .build(),
        )
        .build()
    }

    fn collection_docs(&self) -> Paths {
        let list = format!("{{{}, count, offset, limit}}", self.plural);
        let one = format!("{{{}}}", self.singular);
        let mut paths = Paths::new();
        paths.add_path_operation(
            self.path,
            vec![HttpMethod::Get],
            self.operation(format!("List {}", self.plural), &list, false),
        );
        paths.add_path_operation(
            self.path,
            vec![HttpMethod::Post],
            self.operation(format!("Create a {}", self.singular), &one, false),
        );
        paths
    }

    fn item_docs(&self, path: &str) -> Paths {
        let one = format!("{{{}}}", self.singular);
        let mut paths = Paths::new();
        for (method, summary, answer) in [
            (HttpMethod::Get, "Retrieve", one.as_str()),
            (HttpMethod::Post, "Update", one.as_str()),
            (HttpMethod::Delete, "Delete", "{id, object, deleted}"),
        ] {
            paths.add_path_operation(
                path,
                vec![method],
                self.operation(format!("{summary} a {}", self.singular), answer, true),
            );
        }
        paths
    }
}
