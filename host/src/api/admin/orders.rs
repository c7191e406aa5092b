//! `/admin/orders` and `/admin/payments` (§3.6): list and retrieve orders
//! with their payment and fulfillment status, fulfil items, ship and deliver
//! fulfillments, cancel orders and capture payments.

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::run::run;
use crate::api::admin_auth::AdminActor;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::api::store::orders::order_response;
use crate::app::AppState;
use crate::flows::orders as flows;
use crate::framework::query::fields::FieldTree;

/// List orders (`q`, `id`, `status`, `sales_channel_id`, `region_id`, `customer_id`).
#[utoipa::path(get, path = "/orders", tag = "Admin", responses((status = 200, description = "{orders, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(15, Some("-created_at"));
    let mut filters = q.filters(&[
        "id",
        "q",
        "status",
        "sales_channel_id",
        "region_id",
        "customer_id",
        "email",
        "created_at",
        "updated_at",
    ]);
    for key in [
        "id",
        "status",
        "sales_channel_id",
        "region_id",
        "customer_id",
    ] {
        if let Some(values) = q.list(key) {
            filters.insert(key.into(), json!(values));
        }
    }
    // Fulfillment and payment statuses are computed per order: with those
    // filters every matching order is shaped, then the page is cut.
    let computed: Vec<(&str, Vec<String>)> = ["fulfillment_status", "payment_status"]
        .into_iter()
        .filter_map(|k| Some((k, q.list(k)?)))
        .collect();
    let mut paging = opts.clone();
    if !computed.is_empty() {
        paging.limit = None;
        paging.offset = 0;
    }
    let (rows, mut count) = read::list(
        &state,
        "order",
        FieldTree::from_paths(["id"]),
        filters,
        paging,
    )
    .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        let order = order_response(&state, row["id"].as_str().unwrap_or_default()).await?;
        let wanted = computed.iter().all(|(key, values)| {
            order[*key]
                .as_str()
                .is_some_and(|v| values.iter().any(|w| w == v))
        });
        if wanted {
            orders.push(order);
        }
    }
    let limit = opts.limit.unwrap_or(15);
    if !computed.is_empty() {
        count = i64::try_from(orders.len()).unwrap_or(i64::MAX);
        orders = orders
            .into_iter()
            .skip(usize::try_from(opts.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
    }
    // `fields` narrows each order (bare names), as on other lists.
    if q.fields.is_some() {
        let tree = q.field_tree(&["*"]);
        let mut rows: Vec<Map<String, Value>> = orders
            .into_iter()
            .filter_map(|o| o.as_object().cloned())
            .collect();
        crate::framework::data::project(&mut rows, &tree);
        orders = rows.into_iter().map(Value::Object).collect();
    }
    Ok(envelope::list("orders", orders, count, opts.offset, limit))
}

/// Retrieve an order with its items, payments and fulfillments.
#[utoipa::path(get, path = "/orders/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{order}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one("order", order_response(&state, &id).await?))
}

async fn after(
    state: &AppState,
    id: &str,
    workflow: &str,
    input: Value,
) -> Result<Json<Value>, ApiError> {
    order_response(state, id).await?;
    run(state, workflow, input).await?;
    Ok(envelope::one("order", order_response(state, id).await?))
}

/// Cancel an order: its reservations and authorized payments are released.
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{order}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    after(&state, &id, flows::CANCEL, json!({ "order_id": id })).await
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemQuantity {
    id: String,
    quantity: i64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FulfillmentBody {
    items: Vec<ItemQuantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location_id: Option<String>,
    #[serde(default)]
    no_notification: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Fulfil order items from a location.
#[utoipa::path(post, path = "/orders/{id}/fulfillments", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{order}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn fulfil(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FulfillmentBody>,
) -> Result<Json<Value>, ApiError> {
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["order_id"] = json!(id);
    after(&state, &id, flows::CREATE_FULFILLMENT, input).await
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShipmentBody {
    #[serde(default)]
    items: Vec<ItemQuantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    labels: Option<Vec<Value>>,
    #[serde(default)]
    no_notification: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// Ship a fulfillment (with tracking labels).
#[utoipa::path(post, path = "/orders/{id}/fulfillments/{fulfillment_id}/shipments", tag = "Admin", params(("id" = String, Path), ("fulfillment_id" = String, Path)), responses((status = 200, description = "{order}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn ship(
    State(state): State<AppState>,
    Path((id, fulfillment)): Path<(String, String)>,
    ApiJson(body): ApiJson<ShipmentBody>,
) -> Result<Json<Value>, ApiError> {
    let mut input = serde_json::to_value(&body).unwrap_or_default();
    input["order_id"] = json!(id);
    input["fulfillment_id"] = json!(fulfillment);
    after(&state, &id, flows::CREATE_SHIPMENT, input).await
}

/// Mark a shipped fulfillment as delivered.
#[utoipa::path(post, path = "/orders/{id}/fulfillments/{fulfillment_id}/mark-as-delivered", tag = "Admin", params(("id" = String, Path), ("fulfillment_id" = String, Path)), responses((status = 200, description = "{order}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn deliver(
    State(state): State<AppState>,
    Path((id, fulfillment)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let input = json!({ "order_id": id, "fulfillment_id": fulfillment });
    after(&state, &id, flows::MARK_DELIVERED, input).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureBody {
    amount: Option<f64>,
}

/// Capture an authorized payment (all of what is left, or `amount`).
#[utoipa::path(post, path = "/payments/{id}/capture", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{payment}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn capture(
    State(state): State<AppState>,
    Extension(actor): Extension<AdminActor>,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Result<Json<Value>, ApiError> {
    // The body is optional.
    let bytes = axum::body::to_bytes(request.into_body(), 64 * 1024)
        .await
        .map_err(|_| ApiError::invalid_data("Invalid request: unreadable body"))?;
    let body: CaptureBody = if bytes.iter().all(u8::is_ascii_whitespace) {
        CaptureBody::default()
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::invalid_data(format!("Invalid request: {e}")))?
    };
    run(
        &state,
        flows::CAPTURE_PAYMENT,
        json!({ "payment_id": id, "amount": body.amount, "captured_by": actor.actor_id }),
    )
    .await?;
    let payment = read::one(
        &state,
        "payment",
        FieldTree::from_paths(["*", "captures.*", "refunds.*"]),
        read::by_id(&id),
        format!("Payment with id: {id} was not found"),
    )
    .await?;
    Ok(envelope::one("payment", payment))
}
