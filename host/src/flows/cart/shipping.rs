//! The shipping options a cart can use (§2.6): through its sales channel's
//! stock locations and their fulfillment sets, in service zones whose geo
//! zones match the shipping address, with rules satisfied, priced in the
//! cart's currency.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::db::catalogue_reads::CatalogueReads;
use crate::framework::data::ServiceError;
use crate::framework::query::fields::FieldTree;
use crate::framework::query::{GraphRequest, Query};
use crate::framework::workflows::StepError;
use crate::modules::pricing::{PricingContext, calculate_prices};

/// What [`options_for_cart`] reads of a cart: its channel, currency, region
/// and shipping country (a narrow read, not the whole cart with totals).
pub async fn shipping_cart(
    exec: &mut Exec<'_>,
    query: &Query,
    id: &str,
) -> Result<Value, ServiceError> {
    const FIELDS: &[&str] = &[
        "id",
        "sales_channel_id",
        "currency_code",
        "region_id",
        "shipping_address.country_code",
    ];
    Ok(Value::Object(
        super::read::read_cart(exec, query, id, FIELDS).await?,
    ))
}

/// The options available to `cart` (a loaded cart, or at least what
/// [`shipping_cart`] reads of one), each with `amount`.
pub async fn options_for_cart(
    exec: &mut Exec<'_>,
    query: &Query,
    cart: &Value,
    is_return: bool,
) -> Result<Vec<Value>, StepError> {
    let return_rule = if is_return { "true" } else { "false" };
    let Some(channel) = cart["sales_channel_id"].as_str() else {
        return Ok(Vec::new());
    };
    let request = GraphRequest {
        entity: "sales_channel".into(),
        fields: FieldTree::from_paths([
            "id",
            "stock_locations.*",
            "stock_locations.address.*",
            "stock_locations.fulfillment_sets.*",
            "stock_locations.fulfillment_sets.service_zones.*",
            "stock_locations.fulfillment_sets.service_zones.geo_zones.*",
            "stock_locations.fulfillment_sets.service_zones.shipping_options.*",
            "stock_locations.fulfillment_sets.service_zones.shipping_options.type.*",
            "stock_locations.fulfillment_sets.service_zones.shipping_options.rules.*",
            "stock_locations.fulfillment_sets.service_zones.shipping_options.shipping_price_set.prices.*",
        ]),
        filters: json!({ "id": channel }),
        ..Default::default()
    };
    // The channel's locations, zones and options are catalogue data: read
    // once per catalogue generation.
    let reads = CatalogueReads::shared();
    let key = format!("shipping-tree:{channel}");
    let channels: Vec<Value> = match reads.get(exec, &key) {
        Some(hit) => hit.as_array().cloned().unwrap_or_default(),
        None => {
            let ticket = reads.ticket();
            let read: Vec<Value> = query
                .graph(exec, &request)
                .await
                .map_err(|e| StepError::new(e.to_string()))?
                .data
                .into_iter()
                .map(Value::Object)
                .collect();
            reads.put(exec, ticket, key, Value::Array(read.clone()));
            read
        }
    };
    let country = cart["shipping_address"]["country_code"]
        .as_str()
        .map(str::to_lowercase);
    let mut ctx = PricingContext::new(
        cart["currency_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        cart["region_id"].as_str().map(str::to_owned),
    );
    ctx.tax_inclusivity =
        super::taxes::tax_inclusivity(exec, query, &ctx.currency_code, ctx.region_id.as_deref())
            .await?;
    let now = crate::db::codec::format_timestamp(chrono::Utc::now());
    let no_lists = Default::default();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for channel in &channels {
        for location in channel["stock_locations"].as_array().into_iter().flatten() {
            for set in location["fulfillment_sets"]
                .as_array()
                .into_iter()
                .flatten()
            {
                for zone in set["service_zones"].as_array().into_iter().flatten() {
                    let geo_ok = match &country {
                        None => true,
                        Some(c) => zone["geo_zones"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|g| g["country_code"].as_str() == Some(c.as_str())),
                    };
                    if !geo_ok {
                        continue;
                    }
                    for option in zone["shipping_options"].as_array().into_iter().flatten() {
                        let rules_ok = option["rules"].as_array().into_iter().flatten().all(|r| {
                            let expected = match r["attribute"].as_str() {
                                Some("is_return") => return_rule,
                                Some("enabled_in_store") => "true",
                                _ => return true,
                            };
                            r["value"].as_str() == Some(expected)
                        });
                        let id = option["id"].as_str().unwrap_or_default();
                        if !rules_ok || !seen.insert(id.to_owned()) {
                            continue;
                        }
                        let set_value = &option["shipping_price_set"];
                        let prices = calculate_prices(
                            std::slice::from_ref(set_value),
                            &no_lists,
                            &ctx,
                            &now,
                        );
                        let Some(price) = set_value["id"].as_str().and_then(|sid| prices.get(sid))
                        else {
                            continue;
                        };
                        let mut shaped = option.clone();
                        if let Some(map) = shaped.as_object_mut() {
                            map.remove("shipping_price_set");
                            map.insert("amount".into(), price["calculated_amount"].clone());
                            map.insert("calculated_price".into(), price.clone());
                            map.insert(
                                "is_tax_inclusive".into(),
                                price["is_calculated_price_tax_inclusive"].clone(),
                            );
                            map.insert("insufficient_inventory".into(), Value::Bool(false));
                            map.insert(
                                "provider".into(),
                                json!({ "id": option["provider_id"], "is_enabled": true }),
                            );
                            map.insert(
                                "prices".into(),
                                set_value["prices"]
                                    .as_array()
                                    .cloned()
                                    .map(Value::Array)
                                    .unwrap_or_else(|| json!([])),
                            );
                            map.insert(
                                "service_zone".into(),
                                json!({
                                    "id": zone["id"], "name": zone["name"], "fulfillment_set_id": set["id"],
                                    "fulfillment_set": { "id": set["id"], "type": set["type"], "location": { "id": location["id"], "address": location["address"] } },
                                }),
                            );
                        }
                        out.push(shaped);
                    }
                }
            }
        }
    }
    Ok(out)
}
