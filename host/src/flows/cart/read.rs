//! The cart as the Store API returns it: items with their variant and
//! product, tax lines and adjustments, shipping methods, addresses, region
//! with countries, promotions, payment collection with sessions, and every
//! total. One graph query plus the region and the items' variants, which
//! come from the catalogue read cache while the catalogue is unchanged.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::db::catalogue_reads::CatalogueReads;
use crate::framework::data::ServiceError;
use crate::framework::query::fields::FieldTree;
use crate::framework::query::{GraphRequest, Query, QueryError};

/// The fields of a cart response.
pub const CART_FIELDS: &[&str] = &[
    "*",
    "items.*",
    "items.tax_lines.*",
    "items.adjustments.*",
    "shipping_methods.*",
    "shipping_methods.tax_lines.*",
    "shipping_methods.adjustments.*",
    "shipping_address.*",
    "billing_address.*",
    "region.*",
    "region.countries.*",
    "promotions.*",
    "promotions.application_method.*",
    "promotions.promotion_rules.*",
    "promotions.campaign.budget.*",
    "payment_collection.*",
    "payment_collection.payment_sessions.*",
];

fn query_error(e: QueryError) -> ServiceError {
    match e {
        QueryError::Service(s) => s,
        other => ServiceError::InvalidData(other.to_string()),
    }
}

/// `fields` of one cart, or `NotFound`.
pub(super) async fn read_cart(
    exec: &mut Exec<'_>,
    query: &Query,
    id: &str,
    fields: &[&str],
) -> Result<serde_json::Map<String, Value>, ServiceError> {
    let request = GraphRequest {
        entity: "cart".into(),
        fields: FieldTree::from_paths(fields),
        filters: json!({ "id": id }),
        ..Default::default()
    };
    query
        .graph(exec, &request)
        .await
        .map_err(query_error)?
        .data
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::NotFound {
            entity: "Cart".into(),
            id: id.to_owned(),
        })
}

/// Reads one cart (or `NotFound`) with totals; `region` comes from the
/// cart's `region_id` and `items[].variant` from the product module.
pub async fn load_cart(
    exec: &mut Exec<'_>,
    query: &Query,
    id: &str,
) -> Result<Value, ServiceError> {
    let mut cart = read_cart(exec, query, id, CART_FIELDS).await?;
    if let Some(region_id) = cart
        .get("region_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        let region = region_with_countries(exec, query, &region_id).await?;
        cart.insert("region".into(), region);
    }
    attach_variants(exec, query, cart.get_mut("items")).await?;
    cart.entry("promotions").or_insert_with(|| json!([]));
    cart.entry("payment_collection").or_insert(Value::Null);
    let customer =
        json!({ "id": cart_value(&cart, "customer_id"), "email": cart_value(&cart, "email") });
    cart.entry("customer").or_insert(customer);
    crate::modules::totals::with_totals(&mut cart);
    Ok(Value::Object(cart))
}

/// The region with its countries, from the catalogue read cache when current.
pub(super) async fn region_with_countries(
    exec: &mut Exec<'_>,
    query: &Query,
    id: &str,
) -> Result<Value, ServiceError> {
    let reads = CatalogueReads::shared();
    let key = format!("region:{id}");
    if let Some(hit) = reads.get(exec, &key) {
        return Ok((*hit).clone());
    }
    let ticket = reads.ticket();
    let request = GraphRequest {
        entity: "region".into(),
        fields: FieldTree::from_paths(["*", "countries.*"]),
        filters: json!({ "id": id }),
        ..Default::default()
    };
    let found = query
        .graph(exec, &request)
        .await
        .map_err(query_error)?
        .data
        .into_iter()
        .next()
        .map_or(Value::Null, Value::Object);
    if !found.is_null() {
        reads.put(exec, ticket, key, found.clone());
    }
    Ok(found)
}

fn cart_value(cart: &serde_json::Map<String, Value>, key: &str) -> Value {
    cart.get(key).cloned().unwrap_or(Value::Null)
}

/// Variants `ids` with `fields`, from the catalogue read cache (entries
/// `<kind>:<id>`) while the catalogue is unchanged, the rest from the
/// database (and then cached). Variants that do not exist are left out.
pub(super) async fn cached_variants(
    exec: &mut Exec<'_>,
    query: &Query,
    ids: &[String],
    kind: &str,
    fields: &[&str],
) -> Result<Vec<serde_json::Map<String, Value>>, ServiceError> {
    let reads = CatalogueReads::shared();
    let mut variants = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match reads.get(exec, &format!("{kind}:{id}")).as_deref() {
            Some(Value::Object(variant)) => variants.push(variant.clone()),
            _ => missing.push(id.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(variants);
    }
    let ticket = reads.ticket();
    let request = GraphRequest {
        entity: "product_variant".into(),
        fields: FieldTree::from_paths(fields),
        filters: json!({ "id": missing }),
        ..Default::default()
    };
    for variant in query.graph(exec, &request).await.map_err(query_error)?.data {
        if let Some(id) = variant.get("id").and_then(Value::as_str) {
            reads.put(
                exec,
                ticket,
                format!("{kind}:{id}"),
                Value::Object(variant.clone()),
            );
        }
        variants.push(variant);
    }
    Ok(variants)
}

/// Adds `variant` (with `product` and its images) to each line item.
pub async fn attach_variants(
    exec: &mut Exec<'_>,
    query: &Query,
    items: Option<&mut Value>,
) -> Result<(), ServiceError> {
    let Some(Value::Array(items)) = items else {
        return Ok(());
    };
    let ids: Vec<Value> = items
        .iter()
        .filter_map(|i| i.get("variant_id").cloned())
        .filter(|v| !v.is_null())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = ids
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let variants = cached_variants(
        exec,
        query,
        &ids,
        "variant",
        &[
            "*",
            "options.*",
            "product.*",
            "product.images.*",
            "product.categories.id",
            "product.tags.id",
        ],
    )
    .await?;
    for item in items.iter_mut() {
        let variant = variants
            .iter()
            .find(|v| v.get("id") == item.get("variant_id"))
            .cloned();
        if let Some(map) = item.as_object_mut() {
            let product = variant
                .as_ref()
                .and_then(|v| v.get("product"))
                .cloned()
                .unwrap_or(Value::Null);
            map.insert("variant".into(), variant.map_or(Value::Null, Value::Object));
            map.insert("product".into(), product);
        }
    }
    Ok(())
}
