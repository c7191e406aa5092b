//! `POST /admin/sales-channels/{id}/products` (§3): makes products available
//! in a sales channel, or no longer, through the product <-> channel link.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::link_batch::BATCH_LINKS;

const FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "is_disabled",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddRemove {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
}

/// Add products to a sales channel or remove them from it.
#[utoipa::path(post, path = "/sales-channels/{id}/products", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{sales_channel}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn products(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<AddRemove>,
) -> Result<Json<Value>, ApiError> {
    let input = json!({
        "from": { "module": "sales_channel", "model": "sales_channel", "id": id },
        "to": { "module": "product", "model": "product" },
        "add": body.add, "remove": body.remove,
    });
    run(&state, BATCH_LINKS, input).await?;
    let q = ListQuery::parse(raw.as_deref())?;
    let channel = read::one(
        &state,
        "sales_channel",
        q.field_tree(FIELDS),
        read::by_id(&id),
        format!("Sales channel with id: {id} was not found"),
    )
    .await?;
    Ok(envelope::one("sales_channel", channel))
}
