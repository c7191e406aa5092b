//! Store carts (§2.5, §2.8): every change runs a workflow and answers with
//! the whole re-read cart.

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::auth_token::{Customer, MaybeAuth};
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::publishable_key::PublishableKey;
use crate::app::AppState;
use crate::db::Exec;
use crate::flows::cart as flows;

/// Runs a workflow, wakes the event dispatcher when it released events,
/// returns the workflow output.
pub async fn run(state: &AppState, workflow: &str, input: Value) -> Result<Value, ApiError> {
    let run = state.runtime().workflows.run(workflow, None, input).await?;
    if run.released_events > 0 {
        state.runtime().events.wake();
    }
    Ok(run.output)
}

/// Everything a cart response carries by default (`fields` narrows or extends it).
const CART_DEFAULTS: &[&str] = &[
    "*",
    "items.*",
    "items.tax_lines.*",
    "items.adjustments.*",
    "items.variant.*",
    "items.variant.options.*",
    "items.product.*",
    "items.product.images.*",
    "shipping_methods.*",
    "shipping_methods.tax_lines.*",
    "shipping_methods.adjustments.*",
    "shipping_address.*",
    "billing_address.*",
    "region.*",
    "region.countries.*",
    "promotions.*",
    "promotions.application_method.*",
    "payment_collection.*",
    "payment_collection.payment_sessions.*",
    "customer.*",
];

/// The cart as responses carry it, shaped by the request's `fields`.
pub async fn cart_response(
    state: &AppState,
    id: &str,
    raw_query: Option<&str>,
) -> Result<Value, ApiError> {
    let cart = flows::load_cart(&mut Exec::Db(state.db()), &state.runtime().query, id).await?;
    shaped(cart, raw_query)
}

/// Runs a cart workflow that ends with `refresh-cart` and answers the cart
/// it returns (already as a read would show it), shaped by `fields`.
async fn run_refreshed(
    state: &AppState,
    workflow: &str,
    input: Value,
    raw_query: Option<&str>,
) -> Result<Value, ApiError> {
    let cart = run(state, workflow, input).await?;
    if !cart.is_object() {
        return Err(ApiError::new(
            crate::api::error::ErrorType::UnexpectedState,
            format!("workflow {workflow} returned no cart"),
        ));
    }
    shaped(cart, raw_query)
}

/// Narrows or extends `cart` to the request's `fields`.
fn shaped(mut cart: Value, raw_query: Option<&str>) -> Result<Value, ApiError> {
    let fields = crate::api::list_query::ListQuery::parse(raw_query)?.fields;
    if let (Some(fields), Value::Object(map)) = (fields, &mut cart) {
        let tree = crate::framework::query::fields::resolve_fields(CART_DEFAULTS, Some(&fields));
        crate::framework::data::project(std::slice::from_mut(map), &tree);
    }
    Ok(cart)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCart {
    region_id: Option<String>,
    email: Option<String>,
    currency_code: Option<String>,
    shipping_address: Option<Value>,
    billing_address: Option<Value>,
    items: Option<Vec<Value>>,
    sales_channel_id: Option<String>,
    promo_codes: Option<Vec<String>>,
    metadata: Option<Value>,
    #[allow(dead_code)]
    additional_data: Option<Value>,
    #[allow(dead_code)]
    locale: Option<String>,
}

async fn customer_email(state: &AppState, customer_id: &str) -> Option<Value> {
    let fields = crate::framework::query::fields::FieldTree::from_paths(["email"]);
    crate::api::read::one(
        state,
        "customer",
        fields,
        crate::api::read::by_id(customer_id),
        String::new(),
    )
    .await
    .ok()
    .map(|c| c["email"].clone())
}

/// The store's default sales channel, from the catalogue read cache while
/// the catalogue is unchanged.
async fn default_channel(state: &AppState) -> Result<Option<String>, ApiError> {
    use crate::db::{Exec, catalogue_reads::CatalogueReads};
    const KEY: &str = "store:default_sales_channel_id";
    let reads = CatalogueReads::shared();
    if let Some(hit) = reads.get(&Exec::Db(state.db()), KEY) {
        return Ok(hit.as_str().map(str::to_owned));
    }
    let ticket = reads.ticket();
    let fields =
        crate::framework::query::fields::FieldTree::from_paths(["default_sales_channel_id"]);
    let (stores, _) = crate::api::read::list(
        state,
        "store",
        fields,
        Default::default(),
        Default::default(),
    )
    .await?;
    let channel = stores
        .first()
        .map(|s| s["default_sales_channel_id"].clone())
        .unwrap_or(Value::Null);
    reads.put(
        &Exec::Db(state.db()),
        ticket,
        KEY.to_owned(),
        channel.clone(),
    );
    Ok(channel.as_str().map(str::to_owned))
}

/// Create a cart.
#[utoipa::path(post, path = "/carts", tag = "Store", responses((status = 200, description = "{cart}")))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Extension(key): Extension<PublishableKey>,
    MaybeAuth(auth): MaybeAuth,
    ApiJson(body): ApiJson<CreateCart>,
) -> Result<Response, ApiError> {
    let default_channel = default_channel(&state).await?;
    let channel =
        match key.cart_channel(body.sales_channel_id.as_deref(), default_channel.as_deref()) {
            Ok(c) => c,
            Err(response) => return Ok(*response),
        };
    let customer = auth
        .filter(|c| c.actor_type == "customer" && !c.actor_id.is_empty())
        .map(|c| c.actor_id);
    let customer_email = match &customer {
        Some(id) => customer_email(&state, id).await,
        None => None,
    };
    let input = json!({
        "region_id": body.region_id, "email": body.email.or_else(|| customer_email.as_ref().and_then(|e| e.as_str().map(str::to_owned))),
        "currency_code": body.currency_code, "shipping_address": body.shipping_address, "billing_address": body.billing_address,
        "items": body.items, "sales_channel_id": channel, "promo_codes": body.promo_codes, "metadata": body.metadata,
        "customer_id": customer,
    });
    let cart = run_refreshed(&state, flows::CREATE_CART, input, raw.as_deref()).await?;
    Ok(envelope::one("cart", cart).into_response())
}

/// Retrieve a cart.
#[utoipa::path(get, path = "/carts/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "cart",
        cart_response(&state, &id, raw.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCart {
    region_id: Option<String>,
    email: Option<String>,
    shipping_address: Option<Value>,
    billing_address: Option<Value>,
    sales_channel_id: Option<String>,
    metadata: Option<Value>,
    promo_codes: Option<Vec<String>>,
    #[allow(dead_code)]
    additional_data: Option<Value>,
    #[allow(dead_code)]
    locale: Option<String>,
}

async fn update_with(
    state: &AppState,
    id: &str,
    mut input: Value,
    raw: Option<&str>,
) -> Result<Json<Value>, ApiError> {
    input["id"] = json!(id);
    let cart = run_refreshed(state, flows::UPDATE_CART, input, raw).await?;
    Ok(envelope::one("cart", cart))
}

/// Update a cart (addresses, email, region, promotion codes).
#[utoipa::path(post, path = "/carts/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}")))]
pub async fn update(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateCart>,
) -> Result<Json<Value>, ApiError> {
    let input = json!({
        "region_id": body.region_id, "email": body.email, "shipping_address": body.shipping_address, "billing_address": body.billing_address,
        "sales_channel_id": body.sales_channel_id, "metadata": body.metadata, "promo_codes": body.promo_codes,
    });
    update_with(&state, &id, input, raw.as_deref()).await
}

/// Transfer a cart to the logged-in customer.
#[utoipa::path(post, path = "/carts/{id}/customer", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}"), (status = 401)))]
pub async fn transfer(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
    Customer(claims): Customer,
) -> Result<Json<Value>, ApiError> {
    let email = customer_email(&state, &claims.actor_id).await;
    update_with(
        &state,
        &id,
        json!({ "customer_id": claims.actor_id, "customer_email": email }),
        raw.as_deref(),
    )
    .await
}

/// Recompute a cart's taxes.
#[utoipa::path(post, path = "/carts/{id}/taxes", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}")))]
pub async fn taxes(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    update_with(&state, &id, json!({}), raw.as_deref()).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromoCodes {
    promo_codes: Vec<String>,
}

async fn current_codes(state: &AppState, id: &str) -> Result<Vec<String>, ApiError> {
    let cart = cart_response(state, id, None).await?;
    Ok(cart["promotions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["code"].as_str().map(str::to_owned))
        .collect())
}

/// Add promotion codes.
#[utoipa::path(post, path = "/carts/{id}/promotions", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}")))]
pub async fn add_promotions(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PromoCodes>,
) -> Result<Json<Value>, ApiError> {
    let mut codes = current_codes(&state, &id).await?;
    for code in body.promo_codes {
        if !codes.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
            codes.push(code);
        }
    }
    update_with(&state, &id, json!({ "promo_codes": codes }), raw.as_deref()).await
}

/// Remove promotion codes.
#[utoipa::path(delete, path = "/carts/{id}/promotions", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}")))]
pub async fn remove_promotions(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PromoCodes>,
) -> Result<Json<Value>, ApiError> {
    let codes: Vec<String> = current_codes(&state, &id)
        .await?
        .into_iter()
        .filter(|c| !body.promo_codes.iter().any(|r| r.eq_ignore_ascii_case(c)))
        .collect();
    update_with(&state, &id, json!({ "promo_codes": codes }), raw.as_deref()).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLine {
    variant_id: String,
    quantity: i64,
    metadata: Option<Value>,
}

/// Add a line item.
#[utoipa::path(post, path = "/carts/{id}/line-items", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn add_line(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewLine>,
) -> Result<Json<Value>, ApiError> {
    let cart = run_refreshed(&state, flows::ADD_LINE_ITEM, json!({ "cart_id": id, "variant_id": body.variant_id, "quantity": body.quantity, "metadata": body.metadata }), raw.as_deref()).await?;
    Ok(envelope::one("cart", cart))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineChange {
    quantity: i64,
    metadata: Option<Value>,
}

/// Change a line item's quantity.
#[utoipa::path(post, path = "/carts/{id}/line-items/{line_id}", tag = "Store", params(("id" = String, Path), ("line_id" = String, Path)), responses((status = 200, description = "{cart}")))]
pub async fn update_line(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path((id, line)): Path<(String, String)>,
    ApiJson(body): ApiJson<LineChange>,
) -> Result<Json<Value>, ApiError> {
    let cart = run_refreshed(&state, flows::UPDATE_LINE_ITEM, json!({ "cart_id": id, "line_id": line, "quantity": body.quantity, "metadata": body.metadata }), raw.as_deref()).await?;
    Ok(envelope::one("cart", cart))
}

/// Remove a line item.
#[utoipa::path(delete, path = "/carts/{id}/line-items/{line_id}", tag = "Store", params(("id" = String, Path), ("line_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}")))]
pub async fn delete_line(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path((id, line)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let cart = run_refreshed(
        &state,
        flows::DELETE_LINE_ITEM,
        json!({ "cart_id": id, "line_id": line }),
        raw.as_deref(),
    )
    .await?;
    Ok(envelope::deleted(&line, "line-item", Some(("cart", cart))))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingChoice {
    option_id: String,
    data: Option<Value>,
}

/// Choose the shipping method.
#[utoipa::path(post, path = "/carts/{id}/shipping-methods", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{cart}")))]
pub async fn add_shipping_method(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShippingChoice>,
) -> Result<Json<Value>, ApiError> {
    let cart = run_refreshed(
        &state,
        flows::ADD_SHIPPING_METHOD,
        json!({ "cart_id": id, "option_id": body.option_id, "data": body.data }),
        raw.as_deref(),
    )
    .await?;
    Ok(envelope::one("cart", cart))
}

/// Complete the cart: place the order.
#[utoipa::path(post, path = "/carts/{id}/complete", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{type: order, order} or {type: cart, cart, error}")))]
pub async fn complete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let out = match run(&state, flows::COMPLETE_CART, json!({ "cart_id": id })).await {
        Ok(out) => out,
        Err(e) if e.body.kind == crate::api::error::ErrorType::PaymentAuthorizationError => {
            let cart = cart_response(&state, &id, None).await?;
            return Ok(Json(
                json!({ "type": "cart", "cart": cart, "error": { "message": "Payment authorization failed", "name": "Error", "type": "payment_authorization_error" } }),
            ));
        }
        Err(e) => return Err(e),
    };
    let order_id = out["order_id"].as_str().unwrap_or_default();
    let order = super::orders::order_response(&state, order_id).await?;
    Ok(Json(json!({ "type": "order", "order": order })))
}
