//! Writing the demo store through the modules' services and links.

use serde_json::{Map, Value, json};

use super::SeedError;

/// The product the seeded VIP price list sells for less, and by how much.
const VIP_PRODUCT: &str = "hoodie";
const VIP_FACTOR: f64 = 0.8;
use super::catalog::{
    CATEGORIES, COLLECTIONS, EUROPE, PRODUCTS, UNITED_STATES, combinations, image_url, pack_units,
    single_of,
};
use crate::db::{Database, Exec};
use crate::framework::data::{FindOptions, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::modules::Registry;

struct Writer<'r, 'x, 'e> {
    registry: &'r Registry,
    exec: &'x mut Exec<'e>,
}

fn id(row: &Row) -> String {
    row.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn rows(values: Vec<Value>) -> Vec<Row> {
    values
        .into_iter()
        .filter_map(|v| v.as_object().cloned())
        .collect()
}

impl Writer<'_, '_, '_> {
    async fn create(
        &mut self,
        module: &str,
        model: &str,
        values: Vec<Value>,
    ) -> Result<Vec<Row>, SeedError> {
        let service = self
            .registry
            .service(module)
            .ok_or_else(|| SeedError::Admin(format!("no module {module}")))?;
        Ok(service.create(self.exec, model, rows(values)).await?)
    }

    async fn one(&mut self, module: &str, model: &str, value: Value) -> Result<String, SeedError> {
        Ok(self
            .create(module, model, vec![value])
            .await?
            .first()
            .map(id)
            .unwrap_or_default())
    }

    async fn link(&mut self, from: (&str, &str), to: (&str, &str)) -> Result<(), SeedError> {
        links::create(
            self.exec,
            self.registry,
            &[LinkRef::new(from.0, from.1, to.0, to.1)],
        )
        .await?;
        Ok(())
    }

    async fn link_with(
        &mut self,
        from: (&str, &str),
        to: (&str, &str),
        data: Value,
    ) -> Result<(), SeedError> {
        let data = match data {
            Value::Object(map) => map,
            _ => Default::default(),
        };
        links::create(
            self.exec,
            self.registry,
            &[LinkRef::new(from.0, from.1, to.0, to.1).with_data(data)],
        )
        .await?;
        Ok(())
    }

    async fn relate(
        &mut self,
        module: &str,
        model: &str,
        relation: &str,
        id: &str,
        targets: &[String],
    ) -> Result<(), SeedError> {
        let service = self
            .registry
            .service(module)
            .ok_or_else(|| SeedError::Admin(format!("no module {module}")))?;
        service
            .set_related(self.exec, model, relation, id, targets)
            .await?;
        Ok(())
    }

    async fn price_set(&mut self, eur: f64, usd: f64) -> Result<String, SeedError> {
        let set = self.one("pricing", "price_set", json!({})).await?;
        self.create(
            "pricing",
            "price",
            vec![
                json!({ "price_set_id": set, "currency_code": "eur", "amount": eur }),
                json!({ "price_set_id": set, "currency_code": "usd", "amount": usd }),
            ],
        )
        .await?;
        Ok(set)
    }
}

/// A new publishable token: `pk_` + 64 hex characters.
pub fn new_publishable_token() -> String {
    format!("pk_{}", crate::framework::id::random_hex(32))
}

/// `pk_xxx***abc`: the first 6 characters, `***`, the last 3.
pub fn redact(token: &str) -> String {
    let tail = token.len().saturating_sub(3);
    format!("{}***{}", &token[..6.min(token.len())], &token[tail..])
}

/// Writes the demo store; returns the publishable key.
pub(super) async fn seed(exec: &mut Exec<'_>, registry: &Registry) -> Result<String, SeedError> {
    let mut w = Writer { registry, exec };
    w.create(
        "currency",
        "currency",
        vec![
            json!({ "id": "eur", "code": "eur", "name": "Euro", "symbol": "€", "symbol_native": "€", "decimal_digits": 2 }),
            json!({ "id": "usd", "code": "usd", "name": "US Dollar", "symbol": "$", "symbol_native": "$", "decimal_digits": 2 }),
        ],
    )
    .await?;
    let channel = w
        .one(
            "sales_channel",
            "sales_channel",
            json!({ "name": "Default Sales Channel", "description": "The webshop" }),
        )
        .await?;

    let europe = w
        .one(
            "region",
            "region",
            json!({ "name": "Europe", "currency_code": "eur" }),
        )
        .await?;
    let us = w
        .one(
            "region",
            "region",
            json!({ "name": "United States", "currency_code": "usd" }),
        )
        .await?;
    w.one(
        "payment",
        "payment_provider",
        json!({ "id": "pp_system_default" }),
    )
    .await?;
    w.one(
        "fulfillment",
        "fulfillment_provider",
        json!({ "id": "manual_manual" }),
    )
    .await?;
    for (region, countries) in [(&europe, EUROPE), (&us, UNITED_STATES)] {
        let list = countries
            .iter()
            .map(|(iso2, iso3, num, name, display, _)| {
                json!({ "id": iso2, "iso_2": iso2, "iso_3": iso3, "num_code": num, "name": name, "display_name": display, "region_id": region })
            })
            .collect();
        w.create("region", "country", list).await?;
        w.link(
            ("region", region),
            ("payment_provider", "pp_system_default"),
        )
        .await?;
        for (iso2, _, _, _, display, rate) in countries.iter() {
            let tax_region = w
                .one(
                    "tax",
                    "tax_region",
                    json!({ "country_code": iso2, "provider_id": "tp_system" }),
                )
                .await?;
            w.one(
                "tax",
                "tax_rate",
                json!({ "tax_region_id": tax_region, "rate": rate, "code": format!("{}-default", iso2.to_uppercase()), "name": format!("{display} VAT"), "is_default": true }),
            )
            .await?;
        }
    }

    let address = w
        .one(
            "stock_location",
            "stock_location_address",
            json!({ "address_1": "Main street 1", "city": "Copenhagen", "country_code": "dk" }),
        )
        .await?;
    let location = w
        .one(
            "stock_location",
            "stock_location",
            json!({ "name": "European Warehouse", "address_id": address }),
        )
        .await?;
    w.link(("sales_channel", &channel), ("stock_location", &location))
        .await?;
    let store = w
        .one(
            "store",
            "store",
            json!({ "name": "Medusa Store", "default_sales_channel_id": channel, "default_region_id": europe, "default_location_id": location }),
        )
        .await?;
    w.create(
        "store",
        "store_currency",
        vec![
            json!({ "store_id": store, "currency_code": "eur", "is_default": true }),
            json!({ "store_id": store, "currency_code": "usd" }),
        ],
    )
    .await?;

    let profile = w
        .one(
            "fulfillment",
            "shipping_profile",
            json!({ "name": "Default Shipping Profile", "type": "default" }),
        )
        .await?;
    let set = w
        .one(
            "fulfillment",
            "fulfillment_set",
            json!({ "name": "European Warehouse delivery", "type": "shipping" }),
        )
        .await?;
    w.link(("stock_location", &location), ("fulfillment_set", &set))
        .await?;
    for (zone_name, countries, currency_prices) in [
        ("Europe", EUROPE, [(10.0, 10.0), (20.0, 20.0)]),
        ("United States", UNITED_STATES, [(10.0, 10.0), (25.0, 25.0)]),
    ] {
        let zone = w
            .one(
                "fulfillment",
                "service_zone",
                json!({ "name": zone_name, "fulfillment_set_id": set }),
            )
            .await?;
        let geo = countries
            .iter()
            .map(|c| json!({ "type": "country", "country_code": c.0, "service_zone_id": zone }))
            .collect();
        w.create("fulfillment", "geo_zone", geo).await?;
        for ((label, code, description), (eur, usd)) in [
            ("Standard Shipping", "standard", "Ship in 2-3 days."),
            ("Express Shipping", "express", "Ship in 24 hours."),
        ]
        .into_iter()
        .zip(currency_prices)
        {
            let option = w
                .one(
                    "fulfillment",
                    "shipping_option",
                    json!({ "name": label, "price_type": "flat", "service_zone_id": zone, "shipping_profile_id": profile, "provider_id": "manual_manual", "data": {} }),
                )
                .await?;
            w.one("fulfillment", "shipping_option_type", json!({ "label": label.split(' ').next(), "description": description, "code": code, "shipping_option_id": option }))
                .await?;
            w.create(
                "fulfillment",
                "shipping_option_rule",
                vec![
                    json!({ "attribute": "enabled_in_store", "value": "true", "operator": "eq", "shipping_option_id": option }),
                    json!({ "attribute": "is_return", "value": "false", "operator": "eq", "shipping_option_id": option }),
                ],
            )
            .await?;
            let prices = w.price_set(eur, usd).await?;
            w.link(("shipping_option", &option), ("price_set", &prices))
                .await?;
        }
        // Customers send returns back with this one (`POST /store/returns`).
        let option = w
            .one(
                "fulfillment",
                "shipping_option",
                json!({ "name": "Return Shipping", "price_type": "flat", "service_zone_id": zone, "shipping_profile_id": profile, "provider_id": "manual_manual", "data": {} }),
            )
            .await?;
        w.create(
            "fulfillment",
            "shipping_option_rule",
            vec![
                json!({ "attribute": "enabled_in_store", "value": "true", "operator": "eq", "shipping_option_id": option }),
                json!({ "attribute": "is_return", "value": "true", "operator": "eq", "shipping_option_id": option }),
            ],
        )
        .await?;
        let prices = w.price_set(0.0, 0.0).await?;
        w.link(("shipping_option", &option), ("price_set", &prices))
            .await?;
    }

    let mut category_ids = Map::new();
    for (rank, (handle, name)) in CATEGORIES.iter().enumerate() {
        let cat = w
            .one(
                "product",
                "product_category",
                json!({ "name": name, "handle": handle, "is_active": true, "rank": rank }),
            )
            .await?;
        category_ids.insert((*handle).to_owned(), Value::String(cat));
    }
    let mut collection_ids = Map::new();
    for (handle, title) in COLLECTIONS {
        let col = w
            .one(
                "product",
                "product_collection",
                json!({ "title": title, "handle": handle }),
            )
            .await?;
        collection_ids.insert((*handle).to_owned(), Value::String(col));
    }

    // Price sets of the products members of the VIP group get for less.
    let mut vip_sets: Vec<(String, f64, f64)> = Vec::new();
    for demo in PRODUCTS {
        let product = w
            .one(
                "product",
                "product",
                json!({
                    "title": demo.title, "handle": demo.handle, "description": demo.description, "status": "published",
                    "thumbnail": image_url(demo.image), "collection_id": collection_ids.get(demo.collection), "weight": 400,
                }),
            )
            .await?;
        let category = category_ids
            .get(demo.category)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        w.relate("product", "product", "categories", &product, &[category])
            .await?;
        w.one(
            "product",
            "product_image",
            json!({ "url": image_url(demo.image), "rank": 0, "product_id": product }),
        )
        .await?;
        w.link(("product", &product), ("sales_channel", &channel))
            .await?;
        w.link(("product", &product), ("shipping_profile", &profile))
            .await?;
        let mut value_ids: Vec<(String, String, String)> = Vec::new();
        for (title, values) in demo.options {
            let option = w
                .one(
                    "product",
                    "product_option",
                    json!({ "title": title, "product_id": product }),
                )
                .await?;
            let created = w
                .create(
                    "product",
                    "product_option_value",
                    values
                        .iter()
                        .map(|v| json!({ "value": v, "option_id": option }))
                        .collect(),
                )
                .await?;
            for (v, row) in values.iter().zip(created) {
                value_ids.push(((*title).to_owned(), (*v).to_owned(), id(&row)));
            }
        }
        // Inventory items by the option values of their single variant.
        let mut items: Vec<(Vec<(&str, &str)>, String)> = Vec::new();
        for (rank, combo) in combinations(demo.options).iter().enumerate() {
            let title = combo
                .iter()
                .map(|(_, v)| *v)
                .collect::<Vec<_>>()
                .join(" / ");
            let sku = format!(
                "{}-{}",
                demo.handle,
                combo
                    .iter()
                    .map(|(_, v)| v.replace('/', ""))
                    .collect::<Vec<_>>()
                    .join("-")
            )
            .to_uppercase();
            let variant = w
                .one("product", "product_variant", json!({ "title": title, "sku": sku, "product_id": product, "variant_rank": rank, "manage_inventory": true }))
                .await?;
            let values: Vec<String> = combo
                .iter()
                .filter_map(|(t, v)| {
                    value_ids
                        .iter()
                        .find(|(ot, ov, _)| ot == t && ov == v)
                        .map(|(_, _, id)| id.clone())
                })
                .collect();
            w.relate("product", "product_variant", "options", &variant, &values)
                .await?;
            let units = pack_units(combo);
            let pack_price =
                |single: f64| single * units as f64 * if units > 1 { 5.0 / 6.0 } else { 1.0 };
            if demo.handle == VIP_PRODUCT {
                vip_sets.push((
                    String::new(),
                    pack_price(demo.eur) * VIP_FACTOR,
                    pack_price(demo.usd) * VIP_FACTOR,
                ));
            }
            let prices = w
                .price_set(pack_price(demo.eur), pack_price(demo.usd))
                .await?;
            if demo.handle == VIP_PRODUCT
                && let Some(last) = vip_sets.last_mut()
            {
                last.0 = prices.clone();
            }
            w.link(("product_variant", &variant), ("price_set", &prices))
                .await?;
            let single = single_of(combo);
            let item = match items.iter().find(|(c, _)| *c == single) {
                Some((_, item)) => item.clone(),
                None => {
                    let item = w
                        .one(
                            "inventory",
                            "inventory_item",
                            json!({ "sku": sku, "title": title }),
                        )
                        .await?;
                    w.one("inventory", "inventory_level", json!({ "inventory_item_id": item, "location_id": location, "stocked_quantity": demo.stock })).await?;
                    items.push((single, item.clone()));
                    item
                }
            };
            w.link_with(
                ("product_variant", &variant),
                ("inventory_item", &item),
                json!({ "required_quantity": units }),
            )
            .await?;
        }
    }

    // A customer group with its own prices: a sale price list whose rules
    // admit only members of the group.
    let vip = w
        .one("customer", "customer_group", json!({ "name": "VIP" }))
        .await?;
    let list = w
        .one(
            "pricing",
            "price_list",
            json!({ "title": "VIP prices", "description": "20% off hoodies for the VIP group", "type": "sale", "status": "active", "rules": { "customer.groups.id": [vip] } }),
        )
        .await?;
    let mut list_prices = Vec::new();
    for (set, eur, usd) in &vip_sets {
        for (currency, amount) in [("eur", eur), ("usd", usd)] {
            list_prices.push(json!({ "price_set_id": set, "price_list_id": list, "currency_code": currency, "amount": amount }));
        }
    }
    w.create("pricing", "price", list_prices).await?;

    w.create(
        "order",
        "return_reason",
        vec![
            json!({ "value": "damaged", "label": "Damaged", "description": "The item arrived damaged" }),
            json!({ "value": "wrong_size", "label": "Wrong size" }),
            json!({ "value": "changed_mind", "label": "Changed my mind" }),
        ],
    )
    .await?;

    let token = new_publishable_token();
    let key = w
        .one("api_key", "api_key", json!({ "token": token, "redacted": redact(&token), "title": "Webshop", "type": "publishable", "created_by": "seed" }))
        .await?;
    w.link(("api_key", &key), ("sales_channel", &channel))
        .await?;

    let campaign = w
        .one(
            "promotion",
            "campaign",
            json!({ "name": "Welcome", "campaign_identifier": "welcome" }),
        )
        .await?;
    w.one(
        "promotion",
        "campaign_budget",
        json!({ "type": "usage", "limit": 1000, "campaign_id": campaign }),
    )
    .await?;
    let promo = w
        .one(
            "promotion",
            "promotion",
            json!({ "code": super::DEMO_PROMO_CODE, "status": "active", "campaign_id": campaign }),
        )
        .await?;
    w.one(
        "promotion",
        "application_method",
        json!({ "type": "percentage", "target_type": "items", "allocation": "across", "value": 10, "promotion_id": promo }),
    )
    .await?;
    Ok(token)
}

/// The first publishable key that is not revoked.
pub(super) async fn existing_key(
    db: &Database,
    registry: &Registry,
) -> Result<Option<String>, SeedError> {
    let Some(keys) = registry.service("api_key") else {
        return Ok(None);
    };
    let found = keys
        .list(
            &mut Exec::Db(db),
            "api_key",
            &json!({ "type": "publishable", "revoked_at": null }),
            &FindOptions {
                limit: Some(1),
                ..Default::default()
            },
        )
        .await?;
    Ok(found
        .first()
        .and_then(|k| k["token"].as_str())
        .map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishable_tokens_and_redaction() {
        let token = new_publishable_token();
        assert_eq!(token.len(), 67);
        assert!(token.starts_with("pk_") && token[3..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(redact("pk_abcdef123"), "pk_abc***123");
    }
}
