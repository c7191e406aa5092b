//! Store products (§2.3): published products of the key's sales channels,
//! with `calculated_price` per variant when a region is known and
//! `inventory_quantity` when asked for.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde_json::{Map, Value, json};

use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::list_query::ListQuery;
use crate::api::publishable_key::PublishableKey;
use crate::api::read;
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::query::fields::FieldTree;
use crate::modules::pricing::{PricingContext, calculate_prices};

const PRODUCT_FIELDS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "description",
    "handle",
    "is_giftcard",
    "discountable",
    "thumbnail",
    "collection_id",
    "type_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "created_at",
    "updated_at",
    "*type",
    "*collection",
    "*options",
    "*options.values",
    "*tags",
    "*images",
    "*variants",
    "*variants.options",
];

fn scope(key: &PublishableKey, q: &ListQuery) -> Result<Map<String, Value>, ApiError> {
    let channels = key.product_channels(q.list("sales_channel_id"))?;
    let mut filters = q.filters(&[
        "id",
        "handle",
        "title",
        "q",
        "is_giftcard",
        "type_id",
        "created_at",
        "updated_at",
        "$and",
        "$or",
    ]);
    if let Some(ids) = q.list("id") {
        filters.insert("id".into(), json!(ids));
    }
    filters.insert("status".into(), json!("published"));
    filters.insert("sales_channels".into(), json!({ "id": channels }));
    if let Some(ids) = q.list("collection_id") {
        filters.insert("collection_id".into(), json!(ids));
    }
    if let Some(ids) = q.list("category_id") {
        filters.insert(
            "categories".into(),
            json!({ "id": ids, "is_active": true, "is_internal": false }),
        );
    }
    if let Some(ids) = q.list("tag_id") {
        filters.insert("tags".into(), json!({ "id": ids }));
    }
    Ok(filters)
}

/// What product reads add beyond the stored fields.
struct Extras {
    pricing: Option<PricingContext>,
    inventory: bool,
}

async fn extras(state: &AppState, q: &ListQuery, tree: &mut FieldTree) -> Result<Extras, ApiError> {
    let variants = tree.relations.get("variants").cloned().unwrap_or_default();
    let wants_price = q.param("region_id").is_some()
        || q.param("cart_id").is_some()
        || variants.relations.contains_key("calculated_price")
        || variants.scalars.contains("calculated_price");
    let inventory = variants.scalars.contains("inventory_quantity");
    let pricing = if wants_price {
        let region_id = match (q.param("region_id"), q.param("cart_id")) {
            (Some(r), _) => r,
            (None, Some(cart)) => {
                let fields = FieldTree::from_paths(["id", "region_id"]);
                let cart = read::one(
                    state,
                    "cart",
                    fields,
                    read::by_id(&cart),
                    format!("Cart with id: {cart} was not found"),
                )
                .await?;
                cart["region_id"].as_str().unwrap_or_default().to_owned()
            }
            (None, None) => {
                let fields = FieldTree::from_paths(["default_region_id"]);
                let store = read::list(state, "store", fields, Map::new(), Default::default())
                    .await?
                    .0;
                store
                    .first()
                    .and_then(|s| s["default_region_id"].as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        ApiError::invalid_data(
                            "Missing required pricing context to calculate prices - region_id",
                        )
                    })?
            }
        };
        let fields = FieldTree::from_paths(["id", "currency_code"]);
        let region = read::one(
            state,
            "region",
            fields,
            read::by_id(&region_id),
            String::new(),
        )
        .await
        .map_err(|_| {
            ApiError::invalid_data(format!(
                "Region with id {region_id} not found when populating the pricing context"
            ))
        })?;
        tree.add_path("variants.price_set.prices.*");
        Some(PricingContext {
            currency_code: region["currency_code"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            region_id: Some(region_id),
        })
    } else {
        None
    };
    if inventory {
        tree.add_path("variants.manage_inventory");
        tree.add_path("variants.allow_backorder");
        tree.add_path("variants.inventory_items.location_levels.*");
    }
    if let Some(v) = tree.relations.get_mut("variants") {
        v.relations.remove("calculated_price");
        v.scalars.remove("calculated_price");
        v.scalars.remove("inventory_quantity");
    }
    Ok(Extras { pricing, inventory })
}

async fn finish(state: &AppState, products: &mut [Value], extras: &Extras) -> Result<(), ApiError> {
    let mut lists = HashMap::new();
    let listed = |p: &Value| {
        p["variants"].as_array().into_iter().flatten().any(|v| {
            v["price_set"]["prices"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|pr| !pr["price_list_id"].is_null())
        })
    };
    if extras.pricing.is_some() && products.iter().any(listed) {
        let mut exec = Exec::Db(state.db());
        lists = crate::flows::cart::pricing::price_lists(&mut exec, &state.runtime().query).await?;
    }
    let now = crate::db::codec::format_timestamp(chrono::Utc::now());
    for product in products.iter_mut() {
        let Some(variants) = product.get_mut("variants").and_then(Value::as_array_mut) else {
            continue;
        };
        for variant in variants.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(ctx) = &extras.pricing {
                let set = variant.remove("price_set").unwrap_or(Value::Null);
                let prices = calculate_prices(std::slice::from_ref(&set), &lists, ctx, &now);
                let price = set["id"]
                    .as_str()
                    .and_then(|id| prices.get(id))
                    .cloned()
                    .unwrap_or(Value::Null);
                variant.insert("calculated_price".into(), price);
            }
            if extras.inventory {
                let items = variant.remove("inventory_items").unwrap_or(Value::Null);
                let quantity = match (variant.get("manage_inventory"), items.as_array()) {
                    (Some(Value::Bool(false)), _) => Value::Null,
                    (_, Some(items)) if !items.is_empty() => json!(
                        items
                            .iter()
                            .map(|i| i["location_levels"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|l| l["stocked_quantity"].as_i64().unwrap_or(0)
                                    - l["reserved_quantity"].as_i64().unwrap_or(0))
                                .sum::<i64>())
                            .min()
                            .unwrap_or(0)
                    ),
                    _ => json!(0),
                };
                variant.insert("inventory_quantity".into(), quantity);
            }
        }
    }
    Ok(())
}

/// List products.
#[utoipa::path(get, path = "/products", tag = "Store", responses((status = 200, description = "{products, count, offset, limit}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn list_products(
    State(state): State<AppState>,
    Extension(key): Extension<PublishableKey>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let filters = scope(&key, &q)?;
    let mut tree = q.field_tree(PRODUCT_FIELDS);
    let extras = extras(&state, &q, &mut tree).await?;
    let opts = q.find_options(50, None);
    let (mut rows, count) = read::list(&state, "product", tree, filters, opts.clone()).await?;
    finish(&state, &mut rows, &extras).await?;
    Ok(envelope::list(
        "products",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Retrieve a product.
#[utoipa::path(get, path = "/products/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{product}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get_product(
    State(state): State<AppState>,
    Extension(key): Extension<PublishableKey>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let mut filters = scope(&key, &q)?;
    filters.insert("id".into(), json!(id));
    let mut tree = q.field_tree(PRODUCT_FIELDS);
    let extras = extras(&state, &q, &mut tree).await?;
    let product = read::one(
        &state,
        "product",
        tree,
        filters,
        format!("Product with id: {id} was not found"),
    )
    .await?;
    let mut rows = vec![product];
    finish(&state, &mut rows, &extras).await?;
    Ok(envelope::one("product", rows.remove(0)))
}
