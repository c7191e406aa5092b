//! Product workflows behind `/admin/products`: create a product with its
//! options and values, variants (each with a price set, and an inventory item
//! of its own unless it does not manage inventory or names its items),
//! images, tags, categories, sales channels and shipping profile; delete a
//! product. Each is one step in one transaction; emits `product.created`,
//! `product-variant.created` and `product.deleted`.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::data::{ModuleService, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-products";
pub const UPDATE: &str = "update-products";
pub const DELETE: &str = "delete-products";

/// Product columns a create body may set.
const PRODUCT_COLUMNS: &[&str] = &[
    "title",
    "subtitle",
    "description",
    "is_giftcard",
    "discountable",
    "thumbnail",
    "handle",
    "status",
    "external_id",
    "type_id",
    "collection_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "mid_code",
    "origin_country",
    "material",
    "metadata",
];

/// Variant columns a create body may set.
const VARIANT_COLUMNS: &[&str] = &[
    "title",
    "sku",
    "ean",
    "upc",
    "barcode",
    "hs_code",
    "mid_code",
    "allow_backorder",
    "manage_inventory",
    "variant_rank",
    "weight",
    "length",
    "height",
    "width",
    "origin_country",
    "material",
    "metadata",
];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-product", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-product", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-product", delete, None)),
    ]
}

fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("no {module} module")))
}

fn pick(input: &Value, keys: &[&str]) -> Row {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
        .collect()
}

fn invalid(message: impl Into<String>) -> StepError {
    StepError::permanent("invalid_data", message)
}

fn first_id(rows: &[Row]) -> String {
    rows.first()
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["id"].as_str().or(v.as_str()).map(str::to_owned))
        .collect()
}

/// For each variant, the option value ids it takes, checked against the
/// product's options (`option title -> value -> id`).
fn variant_values(
    product_title: &str,
    variants: &[Value],
    options: &HashMap<String, HashMap<String, String>>,
) -> Result<Vec<Vec<String>>, StepError> {
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut out = Vec::new();
    for variant in variants {
        let title = variant["title"].as_str().unwrap_or_default();
        let chosen = variant["options"].as_object().cloned().unwrap_or_default();
        if options.keys().any(|o| !chosen.contains_key(o)) {
            return Err(invalid(format!(
                "Product \"{product_title}\" has variants with missing options: [{title}]"
            )));
        }
        let mut ids = Vec::new();
        for (option, value) in &chosen {
            let value = value.as_str().unwrap_or_default();
            let id = options
                .get(option)
                .and_then(|values| values.get(value))
                .ok_or_else(|| {
                    invalid(format!(
                        "Option value {value} does not exist for option {option}"
                    ))
                })?;
            ids.push(id.clone());
        }
        ids.sort();
        if !ids.is_empty() && seen.contains(&ids) {
            return Err(invalid(format!(
                "Variant ({title}) with provided options already exists."
            )));
        }
        seen.push(ids.clone());
        out.push(ids);
    }
    Ok(out)
}

async fn link(exec: &mut Exec<'_>, env: &WorkflowEnv, refs: Vec<LinkRef>) -> Result<(), StepError> {
    links::create(exec, &env.registry, &refs)
        .await
        .map_err(|e| StepError::new(e.to_string()))
}

/// A price set with `prices` (`{currency_code, amount, rules?: {region_id}}`).
async fn price_set(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    prices: &Value,
) -> Result<String, StepError> {
    let pricing = svc(env, "pricing")?;
    let set = first_id(&pricing.create(exec, "price_set", vec![Row::new()]).await?);
    let mut rows = Vec::new();
    for price in prices.as_array().into_iter().flatten() {
        let currency = price["currency_code"]
            .as_str()
            .ok_or_else(|| invalid("Every variant price needs a currency_code"))?
            .to_lowercase();
        if !price["amount"].is_number() {
            return Err(invalid("Every variant price needs a numeric amount"));
        }
        let region = price["rules"]["region_id"].clone();
        rows.push(pick(
            &json!({
                "price_set_id": set, "currency_code": currency, "amount": price["amount"],
                "min_quantity": price["min_quantity"], "max_quantity": price["max_quantity"],
                "region_id": region, "rules_count": i32::from(region.is_string()),
            }),
            &[
                "price_set_id",
                "currency_code",
                "amount",
                "min_quantity",
                "max_quantity",
                "region_id",
                "rules_count",
            ],
        ));
    }
    pricing.create(exec, "price", rows).await?;
    Ok(set)
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let products = svc(&env, "product")?;
        let inventory = svc(&env, "inventory")?;
        let title = input["title"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();

        let mut row = pick(&input, PRODUCT_COLUMNS);
        if row.get("thumbnail").is_none_or(Value::is_null)
            && let Some(url) = input["images"][0]["url"].as_str()
        {
            row.insert("thumbnail".into(), json!(url));
        }
        let product = first_id(&products.create(&mut exec, "product", vec![row]).await?);

        // Options and their values.
        let mut options: HashMap<String, HashMap<String, String>> = HashMap::new();
        for option in input["options"].as_array().into_iter().flatten() {
            let option_title = option["title"].as_str().unwrap_or_default().to_owned();
            let option_id = first_id(
                &products
                    .create(
                        &mut exec,
                        "product_option",
                        vec![pick(
                            &json!({ "title": option_title, "product_id": product }),
                            &["title", "product_id"],
                        )],
                    )
                    .await?,
            );
            let values: Vec<Row> = option["values"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| {
                    pick(
                        &json!({ "value": v, "option_id": option_id }),
                        &["value", "option_id"],
                    )
                })
                .collect();
            let created = products
                .create(&mut exec, "product_option_value", values)
                .await?;
            let by_value = created
                .iter()
                .filter_map(|r| {
                    Some((
                        r.get("value")?.as_str()?.to_owned(),
                        r.get("id")?.as_str()?.to_owned(),
                    ))
                })
                .collect();
            options.insert(option_title, by_value);
        }

        // Variants with their option values, prices and inventory.
        let variants: Vec<Value> = input["variants"].as_array().cloned().unwrap_or_default();
        let values = variant_values(&title, &variants, &options)?;
        let mut variant_ids = Vec::new();
        for (rank, (variant, value_ids)) in variants.iter().zip(values).enumerate() {
            let mut data = pick(variant, VARIANT_COLUMNS);
            data.insert("product_id".into(), json!(product));
            data.entry("variant_rank").or_insert(json!(rank));
            let id = first_id(
                &products
                    .create(&mut exec, "product_variant", vec![data])
                    .await?,
            );
            products
                .set_related(&mut exec, "product_variant", "options", &id, &value_ids)
                .await?;
            let set = price_set(&mut exec, &env, &variant["prices"]).await?;
            link(
                &mut exec,
                &env,
                vec![LinkRef::new("product_variant", &id, "price_set", &set)],
            )
            .await?;
            let named = variant["inventory_items"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut items: Vec<(String, Value)> = named
                .iter()
                .map(|i| {
                    (
                        i["inventory_item_id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        json!(i["required_quantity"].as_i64().unwrap_or(1).max(1)),
                    )
                })
                .collect();
            for (item, _) in &items {
                inventory
                    .retrieve(&mut exec, "inventory_item", item, None)
                    .await?;
            }
            if items.is_empty() && variant["manage_inventory"] != false {
                let item = inventory
                    .create(
                        &mut exec,
                        "inventory_item",
                        vec![pick(
                            &json!({ "sku": variant["sku"], "title": variant["title"], "requires_shipping": true }),
                            &["sku", "title", "requires_shipping"],
                        )],
                    )
                    .await?;
                items.push((first_id(&item), json!(1)));
            }
            let refs = items
                .iter()
                .map(|(item, quantity)| {
                    let data = [("required_quantity".to_owned(), quantity.clone())]
                        .into_iter()
                        .collect();
                    LinkRef::new("product_variant", &id, "inventory_item", item).with_data(data)
                })
                .collect();
            link(&mut exec, &env, refs).await?;
            variant_ids.push(id);
        }

        // Images, tags, categories, channels and the shipping profile.
        let images: Vec<Row> = input["images"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(rank, i)| {
                pick(
                    &json!({ "url": i["url"], "rank": rank, "product_id": product }),
                    &["url", "rank", "product_id"],
                )
            })
            .collect();
        products.create(&mut exec, "product_image", images).await?;
        for (relation, key) in [("tags", "tags"), ("categories", "categories")] {
            let ids = ids_of(&input[key]);
            if !ids.is_empty() {
                products
                    .set_related(&mut exec, "product", relation, &product, &ids)
                    .await?;
            }
        }
        let channels = svc(&env, "sales_channel")?;
        let mut refs = Vec::new();
        for channel in ids_of(&input["sales_channels"]) {
            channels
                .retrieve(&mut exec, "sales_channel", &channel, None)
                .await?;
            refs.push(LinkRef::new("product", &product, "sales_channel", &channel));
        }
        if let Some(profile) = input["shipping_profile_id"].as_str() {
            svc(&env, "fulfillment")?
                .retrieve(&mut exec, "shipping_profile", profile, None)
                .await?;
            refs.push(LinkRef::new(
                "product",
                &product,
                "shipping_profile",
                profile,
            ));
        }
        link(&mut exec, &env, refs).await?;

        ctx.emit("product.created", json!({ "id": product }));
        for id in &variant_ids {
            ctx.emit("product-variant.created", json!({ "id": id }));
        }
        Ok(StepOutput::new(
            json!({ "id": product, "variant_ids": variant_ids }),
        ))
    })
}

/// Updates a product's own fields and replaces its images, tags, categories
/// and sales channels where the body gives them.
fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["id"].as_str().unwrap_or_default().to_owned();
        let products = svc(&env, "product")?;
        let mut exec = ctx.exec();
        let mut row = pick(&input, PRODUCT_COLUMNS);
        if input["images"].is_array()
            && input.get("thumbnail").is_none()
            && let Some(url) = input["images"][0]["url"].as_str()
        {
            row.insert("thumbnail".into(), json!(url));
        }
        if row.is_empty() {
            products
                .retrieve(&mut exec, "product", &product, None)
                .await?;
        } else {
            products
                .update_by_id(&mut exec, "product", &product, &row)
                .await?;
        }
        if input["images"].is_array() {
            let old: Vec<String> = products
                .list(
                    &mut exec,
                    "product_image",
                    &json!({ "product_id": product }),
                    &Default::default(),
                )
                .await?
                .into_iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect();
            products.delete(&mut exec, "product_image", &old).await?;
            let images: Vec<Row> = input["images"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(rank, i)| {
                    pick(
                        &json!({ "url": i["url"], "rank": rank, "product_id": product }),
                        &["url", "rank", "product_id"],
                    )
                })
                .collect();
            products.create(&mut exec, "product_image", images).await?;
        }
        for relation in ["tags", "categories"] {
            if input[relation].is_array() {
                products
                    .set_related(
                        &mut exec,
                        "product",
                        relation,
                        &product,
                        &ids_of(&input[relation]),
                    )
                    .await?;
            }
        }
        if input["sales_channels"].is_array() {
            let channels = svc(&env, "sales_channel")?;
            let wanted = ids_of(&input["sales_channels"]);
            for channel in &wanted {
                channels
                    .retrieve(&mut exec, "sales_channel", channel, None)
                    .await?;
            }
            let current = links::list(&mut exec, &env.registry, "product", &product)
                .await
                .map_err(|e| StepError::new(e.to_string()))?;
            let gone: Vec<LinkRef> = current
                .get("sales_channel")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|c| LinkRef::new("product", &product, "sales_channel", c))
                .collect();
            links::dismiss(&mut exec, &env.registry, &gone)
                .await
                .map_err(|e| StepError::new(e.to_string()))?;
            let refs = wanted
                .iter()
                .map(|c| LinkRef::new("product", &product, "sales_channel", c))
                .collect();
            link(&mut exec, &env, refs).await?;
        }
        ctx.emit("product.updated", json!({ "id": product }));
        Ok(StepOutput::new(json!({ "id": product })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        svc(&env, "product")?
            .soft_delete(&mut exec, "product", std::slice::from_ref(&id))
            .await?;
        ctx.emit("product.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes() -> HashMap<String, HashMap<String, String>> {
        let values = [("S", "optval_s"), ("M", "optval_m")]
            .into_iter()
            .map(|(v, id)| (v.to_owned(), id.to_owned()))
            .collect();
        [("Size".to_owned(), values)].into_iter().collect()
    }

    #[test]
    fn variants_name_a_known_value_of_every_option_once() {
        let ok = variant_values(
            "Shirt",
            &[json!({ "title": "S", "options": { "Size": "S" } })],
            &sizes(),
        )
        .unwrap();
        assert_eq!(ok, vec![vec!["optval_s".to_owned()]]);
        let missing = variant_values("Shirt", &[json!({ "title": "S" })], &sizes()).unwrap_err();
        assert!(
            missing.message.contains("missing options: [S]"),
            "{missing:?}"
        );
        assert!(
            variant_values(
                "Shirt",
                &[json!({ "title": "XL", "options": { "Size": "XL" } })],
                &sizes()
            )
            .is_err()
        );
        let twice = [
            json!({ "title": "S", "options": { "Size": "S" } }),
            json!({ "title": "S again", "options": { "Size": "S" } }),
        ];
        assert!(variant_values("Shirt", &twice, &sizes()).is_err());
    }
}
