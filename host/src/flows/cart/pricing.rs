//! Prices and stock of variants for a cart: the unit price in the cart's
//! currency and region, and whether enough is available.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::query::fields::FieldTree;
use crate::framework::query::{GraphRequest, Query};
use crate::framework::workflows::StepError;
use crate::modules::pricing::{PricingContext, calculate_prices};

/// Active price lists by id (for `calculate_prices`).
pub async fn price_lists(
    exec: &mut Exec<'_>,
    query: &Query,
) -> Result<HashMap<String, Value>, StepError> {
    let request = GraphRequest {
        entity: "price_list".into(),
        fields: FieldTree::from_paths(["*"]),
        filters: json!({ "status": "active" }),
        ..Default::default()
    };
    let lists = query
        .graph(exec, &request)
        .await
        .map_err(|e| StepError::new(e.to_string()))?
        .data;
    Ok(lists
        .into_iter()
        .filter_map(|l| Some((l.get("id")?.as_str()?.to_owned(), Value::Object(l))))
        .collect())
}

/// The groups of customer `customer_id` (none for `None`), for price lists
/// with `customer.groups.id` rules.
pub async fn customer_groups(
    exec: &mut Exec<'_>,
    query: &Query,
    customer_id: Option<&str>,
) -> Result<Vec<String>, StepError> {
    let Some(id) = customer_id.filter(|id| !id.is_empty()) else {
        return Ok(Vec::new());
    };
    let request = GraphRequest {
        entity: "customer".into(),
        fields: FieldTree::from_paths(["id", "groups.id"]),
        filters: json!({ "id": id }),
        ..Default::default()
    };
    let found = query
        .graph(exec, &request)
        .await
        .map_err(|e| StepError::new(e.to_string()))?
        .data;
    Ok(found
        .first()
        .and_then(|c| c.get("groups"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g["id"].as_str().map(str::to_owned))
        .collect())
}

/// The pricing context of a cart: its currency, region, customer's groups
/// and the price preferences of its region and currency.
pub async fn cart_context(
    exec: &mut Exec<'_>,
    query: &Query,
    cart: &Value,
) -> Result<PricingContext, StepError> {
    let mut ctx = PricingContext::new(
        cart["currency_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        cart["region_id"].as_str().map(str::to_owned),
    );
    ctx.customer_group_ids = customer_groups(exec, query, cart["customer_id"].as_str()).await?;
    ctx.tax_inclusivity =
        super::taxes::tax_inclusivity(exec, query, &ctx.currency_code, ctx.region_id.as_deref())
            .await?;
    Ok(ctx)
}

/// Variants with product, options and price set (from the catalogue read
/// cache while the catalogue is unchanged) and their inventory items with
/// levels (always read: stock moves with every order).
pub async fn load_variants(
    exec: &mut Exec<'_>,
    query: &Query,
    ids: &[String],
) -> Result<Vec<Value>, StepError> {
    let graph_err = |e: crate::framework::query::QueryError| StepError::new(e.to_string());
    let found = super::read::cached_variants(
        exec,
        query,
        ids,
        "priced_variant",
        &[
            "*",
            "options.*",
            "options.option.*",
            "product.*",
            "product.type.*",
            "product.collection.*",
            "price_set.prices.*",
        ],
    )
    .await?;
    if let Some(missing) = ids.iter().find(|id| {
        !found
            .iter()
            .any(|v| v.get("id").and_then(Value::as_str) == Some(id.as_str()))
    }) {
        return Err(StepError::permanent(
            "not_found",
            format!("Variant with id: {missing} was not found"),
        ));
    }
    let stock = GraphRequest {
        entity: "product_variant".into(),
        fields: FieldTree::from_paths([
            "id",
            "inventory_items.*",
            "inventory_items.inventory.*",
            "inventory_items.inventory.location_levels.*",
        ]),
        filters: json!({ "id": ids }),
        ..Default::default()
    };
    let levels = query.graph(exec, &stock).await.map_err(graph_err)?.data;
    Ok(found
        .into_iter()
        .map(|mut variant| {
            let items = levels
                .iter()
                .find(|l| l.get("id") == variant.get("id"))
                .and_then(|l| l.get("inventory_items").cloned())
                .unwrap_or_else(|| json!([]));
            variant.insert("inventory_items".into(), items);
            Value::Object(variant)
        })
        .collect())
}

/// What a line item takes from its variant's calculated price.
#[derive(Debug, Clone)]
pub struct UnitPrice {
    pub amount: Value,
    /// The original price when a price list lowered it.
    pub compare_at: Value,
    pub is_tax_inclusive: bool,
}

impl UnitPrice {
    /// The line item columns it sets.
    pub fn columns(&self) -> Value {
        json!({
            "unit_price": self.amount,
            "compare_at_unit_price": self.compare_at,
            "is_tax_inclusive": self.is_tax_inclusive,
        })
    }
}

/// The unit price of `variant` in `ctx`, or a `400` naming the variant.
pub fn unit_price(
    variant: &Value,
    lists: &HashMap<String, Value>,
    ctx: &PricingContext,
) -> Result<UnitPrice, StepError> {
    let set = &variant["price_set"];
    let now = crate::db::codec::format_timestamp(chrono::Utc::now());
    let prices = calculate_prices(std::slice::from_ref(set), lists, ctx, &now);
    let id = set["id"].as_str().unwrap_or_default();
    let price = prices.get(id).ok_or_else(|| {
        StepError::permanent(
            "invalid_data",
            format!(
                "Variants with IDs {} do not have a price",
                variant["id"].as_str().unwrap_or_default()
            ),
        )
    })?;
    let compare_at = if price["is_calculated_price_price_list"] == true {
        price["original_amount"].clone()
    } else {
        Value::Null
    };
    Ok(UnitPrice {
        amount: price["calculated_amount"].clone(),
        compare_at,
        is_tax_inclusive: price["is_calculated_price_tax_inclusive"] == true,
    })
}

/// How many of one inventory item a unit of the variant takes (at least 1).
pub fn required_quantity(link: &Value) -> i64 {
    link["required_quantity"].as_i64().unwrap_or(1).max(1)
}

/// Units a variant can supply from its inventory links (`{required_quantity,
/// inventory: {location_levels}}`): the minimum over its items of the
/// available quantity across locations divided by the quantity a unit takes.
/// 0 when it has no inventory item.
pub fn stock_units(links: &Value) -> i64 {
    links
        .as_array()
        .into_iter()
        .flatten()
        .map(|link| {
            let available: i64 = link["inventory"]["location_levels"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| {
                    l["stocked_quantity"].as_i64().unwrap_or(0)
                        - l["reserved_quantity"].as_i64().unwrap_or(0)
                })
                .sum();
            available.max(0) / required_quantity(link)
        })
        .min()
        .unwrap_or(0)
}

/// Units of `variant` available across its locations (`None`: not tracked).
pub fn available(variant: &Value) -> Option<i64> {
    if variant["manage_inventory"] == false || variant["allow_backorder"] == true {
        return None;
    }
    Some(stock_units(&variant["inventory_items"]))
}

/// Fails with `insufficient_inventory` when `variant` cannot supply `quantity`.
pub fn check_stock(variant: &Value, quantity: i64) -> Result<(), StepError> {
    match available(variant) {
        Some(units) if units < quantity => Err(StepError::permanent(
            "not_allowed",
            format!(
                "Variant {} does not have the required inventory",
                variant["id"].as_str().unwrap_or_default()
            ),
        )
        .with_code("insufficient_inventory")),
        _ => Ok(()),
    }
}

/// The line item fields copied from a variant (its product, options, price).
pub fn line_item_from(variant: &Value, quantity: i64, price: &UnitPrice, metadata: Value) -> Value {
    let product = &variant["product"];
    let option_values: serde_json::Map<String, Value> = variant["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| {
            Some((
                o["option"]["title"].as_str()?.to_owned(),
                o["value"].clone(),
            ))
        })
        .collect();
    let mut line = json!({
        "title": product["title"], "subtitle": variant["title"], "thumbnail": product["thumbnail"],
        "quantity": quantity, "variant_id": variant["id"], "product_id": product["id"],
        "product_title": product["title"], "product_description": product["description"],
        "product_subtitle": product["subtitle"], "product_type": product["type"]["value"],
        "product_collection": product["collection"]["title"], "product_handle": product["handle"],
        "variant_sku": variant["sku"], "variant_barcode": variant["barcode"], "variant_title": variant["title"],
        "variant_option_values": option_values, "requires_shipping": true,
        "is_discountable": product["discountable"] != false, "metadata": metadata,
    });
    if let (Value::Object(line), Value::Object(price)) = (&mut line, price.columns()) {
        line.extend(price);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_needs_its_required_quantity_of_each_item() {
        let links = json!([
            {"required_quantity": 2, "inventory": {"location_levels": [
                {"stocked_quantity": 9, "reserved_quantity": 2},
                {"stocked_quantity": 4, "reserved_quantity": 0}
            ]}},
            {"required_quantity": 1, "inventory": {"location_levels": [
                {"stocked_quantity": 10, "reserved_quantity": 0}
            ]}}
        ]);
        // 11 of the first item make 5 bundles; the second has 10.
        assert_eq!(stock_units(&links), 5);
        assert_eq!(stock_units(&json!([])), 0);
        let variant =
            json!({"manage_inventory": true, "allow_backorder": false, "inventory_items": links});
        assert_eq!(available(&variant), Some(5));
        assert!(check_stock(&variant, 6).is_err());
        assert!(check_stock(&variant, 5).is_ok());
    }
}
