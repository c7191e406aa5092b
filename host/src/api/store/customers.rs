//! Store customers (§2.9): registration from a registration token, the
//! logged-in customer's profile and addresses.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::auth_token::{Customer, MaybeAuth, unauthorized};
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::data::FindOptions;
use crate::framework::query::fields::FieldTree;

const CUSTOMER_FIELDS: &[&str] = &[
    "id",
    "email",
    "company_name",
    "first_name",
    "last_name",
    "phone",
    "metadata",
    "has_account",
    "deleted_at",
    "created_at",
    "updated_at",
    "*addresses",
];

async fn customer_response(
    state: &AppState,
    id: &str,
    with_orders: bool,
) -> Result<Value, ApiError> {
    let mut customer = read::one(
        state,
        "customer",
        FieldTree::from_paths(CUSTOMER_FIELDS),
        read::by_id(id),
        format!("Customer with id: {id} was not found"),
    )
    .await?;
    if with_orders {
        let filters: Map<String, Value> = [("customer_id".to_owned(), json!(id))]
            .into_iter()
            .collect();
        let opts = FindOptions {
            order: vec![crate::framework::data::OrderBy::parse("-created_at")],
            ..Default::default()
        };
        let (orders, _) =
            read::list(state, "order", FieldTree::from_paths(["*"]), filters, opts).await?;
        customer["orders"] = Value::Array(orders);
    }
    Ok(customer)
}

fn service(state: &AppState) -> Result<crate::framework::data::ModuleService, ApiError> {
    state
        .runtime()
        .registry
        .service("customer")
        .ok_or_else(ApiError::unknown)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    email: Option<String>,
    company_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    metadata: Option<Value>,
}

/// Create the customer of a registration token.
#[utoipa::path(post, path = "/customers", tag = "Store", responses((status = 200, description = "{customer}"), (status = 401)))]
pub async fn register(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    ApiJson(body): ApiJson<Register>,
) -> Result<Response, ApiError> {
    let Some(claims) = auth.filter(|c| c.actor_type == "customer") else {
        return Ok(unauthorized());
    };
    if !claims.actor_id.is_empty() {
        return Err(ApiError::invalid_data(
            "Request already authenticated as a customer.",
        ));
    }
    let email = match body.email {
        Some(email) => email,
        None => crate::modules::auth::identity_email(
            &mut Exec::Db(state.db()),
            &claims.auth_identity_id,
        )
        .await?
        .ok_or_else(|| ApiError::invalid_data("Invalid request: Field 'email' is required"))?,
    };
    let input = json!({
        "auth_identity_id": claims.auth_identity_id, "email": email, "first_name": body.first_name, "last_name": body.last_name,
        "phone": body.phone, "company_name": body.company_name, "metadata": body.metadata,
    });
    let out = super::carts::run(
        &state,
        crate::flows::customer::CREATE_CUSTOMER_ACCOUNT,
        input,
    )
    .await?;
    let customer = customer_response(&state, out["id"].as_str().unwrap_or_default(), false).await?;
    Ok(envelope::one("customer", customer).into_response())
}

/// The logged-in customer.
#[utoipa::path(get, path = "/customers/me", tag = "Store", responses((status = 200, description = "{customer}"), (status = 401)))]
pub async fn me(
    State(state): State<AppState>,
    Customer(claims): Customer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let tree = q.field_tree(CUSTOMER_FIELDS);
    let with_orders = tree.relations.contains_key("orders") || tree.scalars.contains("orders");
    Ok(envelope::one(
        "customer",
        customer_response(&state, &claims.actor_id, with_orders).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    company_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    metadata: Option<Value>,
}

fn present(pairs: &[(&str, Option<Value>)]) -> Map<String, Value> {
    pairs
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| ((*k).to_owned(), v)))
        .collect()
}

/// Update the logged-in customer.
#[utoipa::path(post, path = "/customers/me", tag = "Store", responses((status = 200, description = "{customer}")))]
pub async fn update_me(
    State(state): State<AppState>,
    Customer(claims): Customer,
    ApiJson(body): ApiJson<Profile>,
) -> Result<Json<Value>, ApiError> {
    let changes = present(&[
        ("company_name", body.company_name.map(Value::from)),
        ("first_name", body.first_name.map(Value::from)),
        ("last_name", body.last_name.map(Value::from)),
        ("phone", body.phone.map(Value::from)),
        ("metadata", body.metadata),
    ]);
    service(&state)?
        .update_by_id(
            &mut Exec::Db(state.db()),
            "customer",
            &claims.actor_id,
            &changes,
        )
        .await?;
    Ok(envelope::one(
        "customer",
        customer_response(&state, &claims.actor_id, false).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    address_name: Option<String>,
    is_default_shipping: Option<bool>,
    is_default_billing: Option<bool>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    company: Option<String>,
    address_1: Option<String>,
    address_2: Option<String>,
    city: Option<String>,
    country_code: Option<String>,
    province: Option<String>,
    postal_code: Option<String>,
    metadata: Option<Value>,
}

impl Address {
    fn row(self) -> Map<String, Value> {
        present(&[
            ("address_name", self.address_name.map(Value::from)),
            (
                "is_default_shipping",
                self.is_default_shipping.map(Value::from),
            ),
            (
                "is_default_billing",
                self.is_default_billing.map(Value::from),
            ),
            ("first_name", self.first_name.map(Value::from)),
            ("last_name", self.last_name.map(Value::from)),
            ("phone", self.phone.map(Value::from)),
            ("company", self.company.map(Value::from)),
            ("address_1", self.address_1.map(Value::from)),
            ("address_2", self.address_2.map(Value::from)),
            ("city", self.city.map(Value::from)),
            (
                "country_code",
                self.country_code.map(|c| Value::from(c.to_lowercase())),
            ),
            ("province", self.province.map(Value::from)),
            ("postal_code", self.postal_code.map(Value::from)),
            ("metadata", self.metadata),
        ])
    }
}

async fn own_address(state: &AppState, customer: &str, id: &str) -> Result<Value, ApiError> {
    let filters: Map<String, Value> = [
        ("id".to_owned(), json!(id)),
        ("customer_id".to_owned(), json!(customer)),
    ]
    .into_iter()
    .collect();
    read::one(
        state,
        "customer_address",
        FieldTree::from_paths(["*"]),
        filters,
        format!("Address with id: {id} was not found"),
    )
    .await
}

/// The logged-in customer's addresses.
#[utoipa::path(get, path = "/customers/me/addresses", tag = "Store", responses((status = 200, description = "{addresses, count, offset, limit}")))]
pub async fn list_addresses(
    State(state): State<AppState>,
    Customer(claims): Customer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let mut filters = q.filters(&["q", "city", "country_code", "postal_code"]);
    filters.insert("customer_id".into(), json!(claims.actor_id));
    let (rows, count) = read::list(
        &state,
        "customer_address",
        FieldTree::from_paths(["*"]),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "addresses",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Add an address; answers with the customer.
#[utoipa::path(post, path = "/customers/me/addresses", tag = "Store", responses((status = 200, description = "{customer}")))]
pub async fn create_address(
    State(state): State<AppState>,
    Customer(claims): Customer,
    ApiJson(body): ApiJson<Address>,
) -> Result<Json<Value>, ApiError> {
    let mut row = body.row();
    row.insert("customer_id".into(), json!(claims.actor_id));
    service(&state)?
        .create(&mut Exec::Db(state.db()), "customer_address", vec![row])
        .await?;
    Ok(envelope::one(
        "customer",
        customer_response(&state, &claims.actor_id, false).await?,
    ))
}

/// One of the customer's addresses.
#[utoipa::path(get, path = "/customers/me/addresses/{address_id}", tag = "Store", params(("address_id" = String, Path)), responses((status = 200, description = "{address}")))]
pub async fn get_address(
    State(state): State<AppState>,
    Customer(claims): Customer,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "address",
        own_address(&state, &claims.actor_id, &id).await?,
    ))
}

/// Update an address; answers with the customer.
#[utoipa::path(post, path = "/customers/me/addresses/{address_id}", tag = "Store", params(("address_id" = String, Path)), responses((status = 200, description = "{customer}")))]
pub async fn update_address(
    State(state): State<AppState>,
    Customer(claims): Customer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Address>,
) -> Result<Json<Value>, ApiError> {
    own_address(&state, &claims.actor_id, &id).await?;
    service(&state)?
        .update_by_id(
            &mut Exec::Db(state.db()),
            "customer_address",
            &id,
            &body.row(),
        )
        .await?;
    Ok(envelope::one(
        "customer",
        customer_response(&state, &claims.actor_id, false).await?,
    ))
}

/// Delete an address.
#[utoipa::path(delete, path = "/customers/me/addresses/{address_id}", tag = "Store", params(("address_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}")))]
pub async fn delete_address(
    State(state): State<AppState>,
    Customer(claims): Customer,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    own_address(&state, &claims.actor_id, &id).await?;
    service(&state)?
        .delete(
            &mut Exec::Db(state.db()),
            "customer_address",
            std::slice::from_ref(&id),
        )
        .await?;
    let customer = customer_response(&state, &claims.actor_id, false).await?;
    Ok(envelope::deleted(
        &id,
        "address",
        Some(("customer", customer)),
    ))
}
