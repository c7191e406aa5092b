//! `POST /admin/customer-groups/:id/customers` (§3.7): who is in a group
//! (the group itself is a plain resource).

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
use crate::flows::customer_groups::LINK_CUSTOMERS;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddRemove {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
}

/// Add customers to a group, or remove them.
#[utoipa::path(post, path = "/customer-groups/{id}/customers", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{customer_group}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn customers(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<AddRemove>,
) -> Result<Json<Value>, ApiError> {
    run(
        &state,
        LINK_CUSTOMERS,
        json!({ "id": id, "add": body.add, "remove": body.remove }),
    )
    .await?;
    let q = ListQuery::parse(raw.as_deref())?;
    let group = read::one(
        &state,
        "customer_group",
        q.field_tree(&[
            "id",
            "name",
            "metadata",
            "created_at",
            "updated_at",
            "customers.*",
        ]),
        read::by_id(&id),
        format!("Customer group with id: {id} was not found"),
    )
    .await?;
    Ok(envelope::one("customer_group", group))
}
