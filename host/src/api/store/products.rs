//! Store products (§2.3): published products of the key's sales channels,
//! with `calculated_price` per variant when a region is known and
//! `inventory_quantity` when asked for.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde_json::{Map, Value, json};

use crate::api::auth_token::MaybeAuth;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::list_query::ListQuery;
use crate::api::publishable_key::PublishableKey;
use crate::api::read;
use crate::app::AppState;
use crate::db::Exec;
use crate::flows::cart::taxes;
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

/// The logged-in customer's id, whose groups may have their own prices.
fn customer_of(auth: &Option<crate::api::auth_token::Claims>) -> Option<&str> {
    auth.as_ref()
        .filter(|c| c.actor_type == "customer" && !c.actor_id.is_empty())
        .map(|c| c.actor_id.as_str())
}

/// What product reads add beyond the stored fields.
struct Extras {
    pricing: Option<PricingContext>,
    inventory: bool,
    /// The client asked for `variants.inventory_items` itself.
    keeps_inventory_items: bool,
}

/// Works out pricing and inventory for the variants in `tree`: the tree's
/// `variants` relation for products (`prefix` = "variants."), the tree itself
/// for variants (`prefix` = "").
async fn extras(
    state: &AppState,
    q: &ListQuery,
    customer: Option<&str>,
    tree: &mut FieldTree,
    prefix: &str,
) -> Result<Extras, ApiError> {
    let relation = prefix.trim_end_matches('.');
    let level = if relation.is_empty() {
        tree.clone()
    } else {
        tree.relations.get(relation).cloned().unwrap_or_default()
    };
    let wants_price = q.param("region_id").is_some()
        || q.param("cart_id").is_some()
        || level.relations.contains_key("calculated_price")
        || level.scalars.contains("calculated_price");
    let inventory = level.scalars.contains("inventory_quantity");
    let keeps_inventory_items = level.relations.contains_key("inventory_items");
    let pricing = if wants_price {
        let place = pricing_place(state, q).await?;
        let region_id = place.region_id;
        let fields = FieldTree::from_paths(["id", "currency_code", "automatic_taxes"]);
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
        tree.add_path(&format!("{prefix}price_set.prices.*"));
        let mut ctx = PricingContext::new(
            region["currency_code"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            Some(region_id),
        );
        let mut exec = Exec::Db(state.db());
        let query = &state.runtime().query;
        ctx.customer_group_ids =
            crate::flows::cart::pricing::customer_groups(&mut exec, query, customer).await?;
        ctx.tax_inclusivity = taxes::tax_inclusivity(
            &mut exec,
            query,
            &ctx.currency_code,
            ctx.region_id.as_deref(),
        )
        .await?;
        if let (Some(country), true) = (&place.country, region["automatic_taxes"] != false) {
            ctx.tax_rate =
                taxes::tax_rate(&mut exec, query, country, place.province.as_deref()).await?;
        }
        Some(ctx)
    } else {
        None
    };
    if inventory {
        for path in [
            "manage_inventory",
            "allow_backorder",
            "inventory_items.required_quantity",
            "inventory_items.inventory.location_levels.*",
        ] {
            tree.add_path(&format!("{prefix}{path}"));
        }
    }
    let level = if relation.is_empty() {
        Some(tree)
    } else {
        tree.relations.get_mut(relation)
    };
    if let Some(v) = level {
        v.relations.remove("calculated_price");
        v.scalars.remove("calculated_price");
        v.scalars.remove("inventory_quantity");
    }
    Ok(Extras {
        pricing,
        inventory,
        keeps_inventory_items,
    })
}

/// Where prices are calculated: a region and, for taxes, maybe an address.
struct PricingPlace {
    region_id: String,
    country: Option<String>,
    province: Option<String>,
}

/// The region prices are calculated for (`region_id`, the cart's, or the
/// store's default) and the country (`country_code`, else the cart's
/// shipping address).
async fn pricing_place(state: &AppState, q: &ListQuery) -> Result<PricingPlace, ApiError> {
    let mut place = PricingPlace {
        region_id: String::new(),
        country: q.param("country_code").map(|c| c.to_lowercase()),
        province: q.param("province"),
    };
    let cart = match q.param("cart_id") {
        Some(cart) => {
            let fields = FieldTree::from_paths([
                "id",
                "region_id",
                "shipping_address.country_code",
                "shipping_address.province",
            ]);
            Some(
                read::one(
                    state,
                    "cart",
                    fields,
                    read::by_id(&cart),
                    format!("Cart with id: {cart} was not found"),
                )
                .await?,
            )
        }
        None => None,
    };
    if let Some(cart) = &cart
        && place.country.is_none()
    {
        let address = &cart["shipping_address"];
        place.country = address["country_code"].as_str().map(str::to_lowercase);
        place.province = address["province"].as_str().map(str::to_owned);
    }
    place.region_id = match (q.param("region_id"), cart) {
        (Some(region), _) => region,
        (None, Some(cart)) => cart["region_id"].as_str().unwrap_or_default().to_owned(),
        (None, None) => default_region(state).await?,
    };
    Ok(place)
}

/// The store's default region, or the `400` Medusa gives without one.
async fn default_region(state: &AppState) -> Result<String, ApiError> {
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
        })
}

/// Adds `calculated_price` and `inventory_quantity` to loaded variants.
async fn finish_variants(
    state: &AppState,
    variants: Vec<&mut Map<String, Value>>,
    extras: &Extras,
) -> Result<(), ApiError> {
    let listed = variants.iter().any(|v| {
        v.get("price_set")
            .map_or(&Value::Null, |p| &p["prices"])
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| !p["price_list_id"].is_null())
    });
    let lists = if extras.pricing.is_some() && listed {
        crate::flows::cart::pricing::price_lists(&mut Exec::Db(state.db()), &state.runtime().query)
            .await?
    } else {
        HashMap::new()
    };
    let now = crate::db::codec::format_timestamp(chrono::Utc::now());
    for variant in variants {
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
            let quantity = match variant.get("manage_inventory") {
                Some(Value::Bool(false)) => Value::Null,
                _ => json!(crate::flows::cart::pricing::stock_units(
                    variant.get("inventory_items").unwrap_or(&Value::Null)
                )),
            };
            if !extras.keeps_inventory_items {
                variant.remove("inventory_items");
            }
            variant.insert("inventory_quantity".into(), quantity);
        }
    }
    Ok(())
}

async fn finish(state: &AppState, products: &mut [Value], extras: &Extras) -> Result<(), ApiError> {
    let variants = products
        .iter_mut()
        .filter_map(|p| p.get_mut("variants").and_then(Value::as_array_mut))
        .flat_map(|vs| vs.iter_mut().filter_map(Value::as_object_mut))
        .collect();
    finish_variants(state, variants, extras).await
}

/// List products.
#[utoipa::path(get, path = "/products", tag = "Store", responses((status = 200, description = "{products, count, offset, limit}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn list_products(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Extension(key): Extension<PublishableKey>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let filters = scope(&key, &q)?;
    let mut tree = q.field_tree(PRODUCT_FIELDS);
    let extras = extras(&state, &q, customer_of(&auth), &mut tree, "variants.").await?;
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
    MaybeAuth(auth): MaybeAuth,
    Extension(key): Extension<PublishableKey>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let mut filters = scope(&key, &q)?;
    filters.insert("id".into(), json!(id));
    let mut tree = q.field_tree(PRODUCT_FIELDS);
    let extras = extras(&state, &q, customer_of(&auth), &mut tree, "variants.").await?;
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

const VARIANT_FIELDS: &[&str] = &[
    "id",
    "title",
    "sku",
    "barcode",
    "ean",
    "upc",
    "allow_backorder",
    "manage_inventory",
    "variant_rank",
    "product_id",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "weight",
    "length",
    "height",
    "width",
    "created_at",
    "updated_at",
    "metadata",
    "*options",
    "product.id",
    "product.type_id",
];

fn variant_scope(key: &PublishableKey, q: &ListQuery) -> Result<Map<String, Value>, ApiError> {
    let channels = key.product_channels(q.list("sales_channel_id"))?;
    let mut filters = q.filters(&[
        "sku",
        "product_id",
        "q",
        "allow_backorder",
        "manage_inventory",
        "$and",
        "$or",
    ]);
    if let Some(ids) = q.list("id") {
        filters.insert("id".into(), json!(ids));
    }
    filters.insert(
        "product".into(),
        json!({ "status": "published", "sales_channels": { "id": channels } }),
    );
    Ok(filters)
}

async fn variants_response(
    state: &AppState,
    q: &ListQuery,
    customer: Option<&str>,
    filters: Map<String, Value>,
    limit: u64,
) -> Result<(Vec<Value>, i64, crate::framework::data::FindOptions), ApiError> {
    let mut tree = q.field_tree(VARIANT_FIELDS);
    let extras = extras(state, q, customer, &mut tree, "").await?;
    let opts = q.find_options(limit, Some("variant_rank"));
    let (mut rows, count) =
        read::list(state, "product_variant", tree, filters, opts.clone()).await?;
    finish_variants(
        state,
        rows.iter_mut().filter_map(Value::as_object_mut).collect(),
        &extras,
    )
    .await?;
    Ok((rows, count, opts))
}

/// List product variants (with `calculated_price` when a region is known).
#[utoipa::path(get, path = "/product-variants", tag = "Store", responses((status = 200, description = "{variants, count, offset, limit}")))]
pub async fn list_variants(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Extension(key): Extension<PublishableKey>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let filters = variant_scope(&key, &q)?;
    let (rows, count, opts) =
        variants_response(&state, &q, customer_of(&auth), filters, 20).await?;
    Ok(envelope::list(
        "variants",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(20),
    ))
}

/// Retrieve a product variant.
#[utoipa::path(get, path = "/product-variants/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{variant}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get_variant(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Extension(key): Extension<PublishableKey>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let mut filters = variant_scope(&key, &q)?;
    filters.insert("id".into(), json!(id));
    let (rows, _, _) = variants_response(&state, &q, customer_of(&auth), filters, 1).await?;
    let variant = rows.into_iter().next().ok_or_else(|| {
        ApiError::not_found(format!("Product variant with id: {id} was not found"))
    })?;
    Ok(envelope::one("variant", variant))
}
