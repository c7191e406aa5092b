//! Pieces the product workflows share: option maps, variant rows with their
//! option values, price sets and inventory links, and price replacement. Each
//! works inside the caller's step transaction.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::query::fields::FieldTree;
use crate::framework::workflows::{StepError, WorkflowEnv};

/// Variant columns a create or update body may set.
pub(crate) const VARIANT_COLUMNS: &[&str] = &[
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

/// `option title -> value -> value id` for one product.
pub(crate) type OptionMap = HashMap<String, HashMap<String, String>>;

/// The service of core module `module`.
pub(crate) fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("no {module} module")))
}

/// The `keys` of `input` that are present, as a row.
pub(crate) fn pick(input: &Value, keys: &[&str]) -> Row {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
        .collect()
}

/// A `400 invalid_data` step error.
pub(crate) fn invalid(message: impl Into<String>) -> StepError {
    StepError::permanent("invalid_data", message)
}

/// The id of the first row (empty when none).
pub(crate) fn first_id(rows: &[Row]) -> String {
    rows.first()
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Ids from `[{id}]` or `["id"]`.
pub(crate) fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["id"].as_str().or(v.as_str()).map(str::to_owned))
        .collect()
}

/// For each variant, the option value ids it takes, checked against the
/// product's options (`option title -> value -> id`) and against the
/// combinations other variants hold already (`taken`, each sorted).
pub(crate) fn variant_values(
    product_title: &str,
    variants: &[Value],
    options: &OptionMap,
    taken: &[Vec<String>],
) -> Result<Vec<Vec<String>>, StepError> {
    let mut seen: Vec<Vec<String>> = taken.to_vec();
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

/// Creates links, as a step error on failure.
pub(crate) async fn link(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    refs: Vec<LinkRef>,
) -> Result<(), StepError> {
    links::create(exec, &env.registry, &refs)
        .await
        .map_err(|e| StepError::new(e.to_string()))
}

/// A price set with `prices` (`{currency_code, amount, rules?: {region_id}}`).
pub(crate) async fn price_set(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    prices: &Value,
) -> Result<String, StepError> {
    let pricing = svc(env, "pricing")?;
    let set = first_id(&pricing.create(exec, "price_set", vec![Row::new()]).await?);
    let rows = price_rows(&set, prices)?;
    pricing.create(exec, "price", rows).await?;
    Ok(set)
}

/// Price rows of `set` for `prices` (`{currency_code, amount, rules?: {region_id}}`).
pub(crate) fn price_rows(set: &str, prices: &Value) -> Result<Vec<Row>, StepError> {
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
    Ok(rows)
}

/// The product's live options as an [`OptionMap`].
pub(crate) async fn option_map(
    exec: &mut Exec<'_>,
    products: &ModuleService,
    product: &str,
) -> Result<OptionMap, StepError> {
    let opts = FindOptions {
        fields: Some(FieldTree::from_paths(["id", "title", "values.*"])),
        ..Default::default()
    };
    let rows = products
        .list(
            exec,
            "product_option",
            &json!({ "product_id": product }),
            &opts,
        )
        .await?;
    Ok(rows
        .iter()
        .map(|o| {
            let values = o
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| {
                    Some((
                        v["value"].as_str()?.to_owned(),
                        v["id"].as_str()?.to_owned(),
                    ))
                })
                .collect();
            (
                o.get("title")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                values,
            )
        })
        .collect())
}

/// The sorted option value ids of each live variant of `product` but `except`.
pub(crate) async fn taken_combinations(
    exec: &mut Exec<'_>,
    products: &ModuleService,
    product: &str,
    except: Option<&str>,
) -> Result<Vec<Vec<String>>, StepError> {
    let opts = FindOptions {
        fields: Some(FieldTree::from_paths(["id", "options.id"])),
        ..Default::default()
    };
    let rows = products
        .list(
            exec,
            "product_variant",
            &json!({ "product_id": product }),
            &opts,
        )
        .await?;
    Ok(rows
        .iter()
        .filter(|v| v.get("id").and_then(Value::as_str) != except)
        .map(|v| {
            let mut ids: Vec<String> = v
                .get("options")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| o["id"].as_str().map(str::to_owned))
                .collect();
            ids.sort();
            ids
        })
        .filter(|ids| !ids.is_empty())
        .collect())
}

/// Creates one variant of `product` with its option values, price set and
/// inventory links (a new inventory item when it manages inventory and names
/// none); returns its id.
pub(crate) async fn create_variant(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    product: &str,
    variant: &Value,
    value_ids: &[String],
    rank: usize,
) -> Result<String, StepError> {
    let products = svc(env, "product")?;
    let inventory = svc(env, "inventory")?;
    let mut data = pick(variant, VARIANT_COLUMNS);
    data.insert("product_id".into(), json!(product));
    data.entry("variant_rank").or_insert(json!(rank));
    let id = first_id(&products.create(exec, "product_variant", vec![data]).await?);
    products
        .set_related(exec, "product_variant", "options", &id, value_ids)
        .await?;
    let set = price_set(exec, env, &variant["prices"]).await?;
    link(
        exec,
        env,
        vec![LinkRef::new("product_variant", &id, "price_set", &set)],
    )
    .await?;
    let mut items: Vec<(String, Value)> = variant["inventory_items"]
        .as_array()
        .into_iter()
        .flatten()
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
            .retrieve(exec, "inventory_item", item, None)
            .await?;
    }
    if items.is_empty() && variant["manage_inventory"] != false {
        let item = inventory
            .create(
                exec,
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
    link(exec, env, refs).await?;
    Ok(id)
}

/// The price set linked to `variant`.
pub(crate) async fn variant_price_set(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    variant: &str,
) -> Result<Option<String>, StepError> {
    let linked = links::list(exec, &env.registry, "product_variant", variant)
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    Ok(linked
        .get("price_set")
        .and_then(|ids| ids.get(0))
        .and_then(Value::as_str)
        .map(str::to_owned))
}

/// Makes the variant's own prices (not price lists') exactly `prices`: an
/// entry with an `id` updates that price, one without creates a price, and
/// prices left out are deleted.
pub(crate) async fn replace_prices(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    variant: &str,
    prices: &Value,
) -> Result<(), StepError> {
    let pricing = svc(env, "pricing")?;
    let Some(set) = variant_price_set(exec, env, variant).await? else {
        let set = price_set(exec, env, prices).await?;
        return link(
            exec,
            env,
            vec![LinkRef::new("product_variant", variant, "price_set", &set)],
        )
        .await;
    };
    let current: Vec<String> = pricing
        .list(
            exec,
            "price",
            &json!({ "price_set_id": set, "price_list_id": null }),
            &FindOptions::default(),
        )
        .await?
        .iter()
        .filter_map(|p| p.get("id")?.as_str().map(str::to_owned))
        .collect();
    let mut kept = Vec::new();
    let mut fresh = Vec::new();
    for price in prices.as_array().into_iter().flatten() {
        match price["id"].as_str() {
            Some(id) if current.iter().any(|c| c == id) => {
                let mut row = pick(
                    price,
                    &["amount", "currency_code", "min_quantity", "max_quantity"],
                );
                if let Some(Value::String(c)) = row.get_mut("currency_code") {
                    *c = c.to_lowercase();
                }
                if price["rules"].is_object() {
                    let region = price["rules"]["region_id"].clone();
                    row.insert("rules_count".into(), json!(i32::from(region.is_string())));
                    row.insert("region_id".into(), region);
                }
                if !row.is_empty() {
                    pricing.update_by_id(exec, "price", id, &row).await?;
                }
                kept.push(id.to_owned());
            }
            Some(id) => {
                return Err(invalid(format!(
                    "Price with id: {id} was not found on this variant"
                )));
            }
            None => fresh.push(price.clone()),
        }
    }
    let gone: Vec<String> = current.into_iter().filter(|c| !kept.contains(c)).collect();
    pricing.delete(exec, "price", &gone).await?;
    let rows = price_rows(&set, &Value::Array(fresh))?;
    pricing.create(exec, "price", rows).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes() -> OptionMap {
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
            &[],
        )
        .unwrap();
        assert_eq!(ok, vec![vec!["optval_s".to_owned()]]);
        let missing =
            variant_values("Shirt", &[json!({ "title": "S" })], &sizes(), &[]).unwrap_err();
        assert!(
            missing.message.contains("missing options: [S]"),
            "{missing:?}"
        );
        assert!(
            variant_values(
                "Shirt",
                &[json!({ "title": "XL", "options": { "Size": "XL" } })],
                &sizes(),
                &[]
            )
            .is_err()
        );
        let twice = [
            json!({ "title": "S", "options": { "Size": "S" } }),
            json!({ "title": "S again", "options": { "Size": "S" } }),
        ];
        assert!(variant_values("Shirt", &twice, &sizes(), &[]).is_err());
    }

    #[test]
    fn a_combination_another_variant_holds_is_refused() {
        let taken = vec![vec!["optval_s".to_owned()]];
        let again = [json!({ "title": "S2", "options": { "Size": "S" } })];
        let err = variant_values("Shirt", &again, &sizes(), &taken).unwrap_err();
        assert!(err.message.contains("already exists"), "{err:?}");
        let other = [json!({ "title": "M", "options": { "Size": "M" } })];
        assert!(variant_values("Shirt", &other, &sizes(), &taken).is_ok());
    }
}
