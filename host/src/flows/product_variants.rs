//! Variant workflows behind `/admin/products/{id}/variants`: create variants
//! on an existing product (option values checked against its options and
//! its other variants), update them (fields, option values, prices), delete
//! them (their links go too), a batch of all three, and linking a variant to
//! an inventory item with a required quantity. Each is one step in one
//! transaction; emits `product-variant.created|updated|deleted`.
//!
//! Inputs: create `{product_id, variants: [..]}`, update `{product_id,
//! variants: [{id, ..}]}`, delete `{product_id, ids}`, batch `{product_id,
//! create, update, delete}`, inventory `{variant_id, inventory_item_id,
//! required_quantity?, remove?}`.

use serde_json::{Map, Value, json};

use super::product_common::{
    VARIANT_COLUMNS, create_variant, invalid, option_map, pick, replace_prices, svc,
    taken_combinations, variant_values,
};
use crate::db::Exec;
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-product-variants";
pub const UPDATE: &str = "update-product-variants";
pub const DELETE: &str = "delete-product-variants";
pub const BATCH: &str = "batch-product-variants";
pub const INVENTORY: &str = "link-variant-inventory-item";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-variants", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-variants", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-variants", delete, None)),
        WorkflowDef::new(BATCH).step(StepDef::func("batch-variants", batch, None)),
        WorkflowDef::new(INVENTORY).step(StepDef::func("variant-inventory", inventory, None)),
    ]
}

fn list(input: &Value, key: &str) -> Vec<Value> {
    input[key].as_array().cloned().unwrap_or_default()
}

fn strings(input: &Value, key: &str) -> Vec<String> {
    input[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().or(v["id"].as_str()).map(str::to_owned))
        .collect()
}

/// Creates `variants` on `product`, ranked after the ones it has.
pub(crate) async fn create_many(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    product: &str,
    variants: &[Value],
) -> Result<Vec<String>, StepError> {
    if variants.is_empty() {
        return Ok(Vec::new());
    }
    let products = svc(env, "product")?;
    let row = products.retrieve(exec, "product", product, None).await?;
    let title = row.get("title").and_then(Value::as_str).unwrap_or_default();
    let options = option_map(exec, &products, product).await?;
    let taken = taken_combinations(exec, &products, product, None).await?;
    let values = variant_values(title, variants, &options, &taken)?;
    let mut ids = Vec::new();
    for (i, (variant, value_ids)) in variants.iter().zip(values).enumerate() {
        ids.push(create_variant(exec, env, product, variant, &value_ids, taken.len() + i).await?);
    }
    Ok(ids)
}

/// Updates variants of `product` (each names its `id`): fields, option
/// values (`{title: value}`, merged into what it has) and prices.
pub(crate) async fn update_many(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    product: &str,
    variants: &[Value],
) -> Result<Vec<String>, StepError> {
    let products = svc(env, "product")?;
    let mut ids = Vec::new();
    for variant in variants {
        let id = variant["id"]
            .as_str()
            .ok_or_else(|| invalid("Every variant to update needs an id"))?;
        let current = products
            .retrieve(
                exec,
                "product_variant",
                id,
                Some(&crate::framework::query::fields::FieldTree::from_paths([
                    "id",
                    "product_id",
                    "title",
                    "options.*",
                    "options.option.title",
                ])),
            )
            .await?;
        if current.get("product_id").and_then(Value::as_str) != Some(product) {
            return Err(StepError::permanent(
                "not_found",
                format!("Variant {id} does not belong to product {product}"),
            ));
        }
        let row = pick(variant, VARIANT_COLUMNS);
        if !row.is_empty() {
            products
                .update_by_id(exec, "product_variant", id, &row)
                .await?;
        }
        if let Some(chosen) = variant["options"].as_object() {
            let mut merged: Map<String, Value> = current
                .get("options")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| {
                    Some((
                        v["option"]["title"].as_str()?.to_owned(),
                        v["value"].clone(),
                    ))
                })
                .collect();
            merged.extend(chosen.clone());
            let title = variant["title"]
                .as_str()
                .or(current.get("title").and_then(Value::as_str))
                .unwrap_or_default();
            let options = option_map(exec, &products, product).await?;
            let taken = taken_combinations(exec, &products, product, Some(id)).await?;
            let probe = json!({ "title": title, "options": merged });
            let values = variant_values(title, &[probe], &options, &taken)?;
            products
                .set_related(
                    exec,
                    "product_variant",
                    "options",
                    id,
                    values.first().map(Vec::as_slice).unwrap_or_default(),
                )
                .await?;
        }
        if variant["prices"].is_array() {
            replace_prices(exec, env, id, &variant["prices"]).await?;
        }
        ids.push(id.to_owned());
    }
    Ok(ids)
}

/// Soft-deletes variants of `product` and dismisses their links.
pub(crate) async fn delete_many(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    product: &str,
    ids: &[String],
) -> Result<Vec<String>, StepError> {
    let products = svc(env, "product")?;
    for id in ids {
        let row = products.retrieve(exec, "product_variant", id, None).await?;
        if row.get("product_id").and_then(Value::as_str) != Some(product) {
            return Err(StepError::permanent(
                "not_found",
                format!("Variant {id} does not belong to product {product}"),
            ));
        }
    }
    products.soft_delete(exec, "product_variant", ids).await?;
    links::on_deleted(exec, &env.registry, "product_variant", ids)
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    Ok(ids.to_vec())
}

fn emit_all(ctx: &mut StepContext, event: &str, ids: &[String]) {
    for id in ids {
        ctx.emit(event, json!({ "id": id }));
    }
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["product_id"].as_str().unwrap_or_default();
        let ids = create_many(&mut ctx.exec(), &env, product, &list(&input, "variants")).await?;
        emit_all(ctx, "product-variant.created", &ids);
        Ok(StepOutput::new(json!({ "ids": ids })))
    })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["product_id"].as_str().unwrap_or_default();
        let ids = update_many(&mut ctx.exec(), &env, product, &list(&input, "variants")).await?;
        emit_all(ctx, "product-variant.updated", &ids);
        Ok(StepOutput::new(json!({ "ids": ids })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["product_id"].as_str().unwrap_or_default();
        let ids = delete_many(&mut ctx.exec(), &env, product, &strings(&input, "ids")).await?;
        emit_all(ctx, "product-variant.deleted", &ids);
        Ok(StepOutput::new(json!({ "ids": ids })))
    })
}

fn batch<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["product_id"].as_str().unwrap_or_default();
        let (created, updated, deleted) = {
            let mut exec = ctx.exec();
            let deleted = delete_many(&mut exec, &env, product, &strings(&input, "delete")).await?;
            let updated = update_many(&mut exec, &env, product, &list(&input, "update")).await?;
            let created = create_many(&mut exec, &env, product, &list(&input, "create")).await?;
            (created, updated, deleted)
        };
        emit_all(ctx, "product-variant.created", &created);
        emit_all(ctx, "product-variant.updated", &updated);
        emit_all(ctx, "product-variant.deleted", &deleted);
        Ok(StepOutput::new(
            json!({ "created": created, "updated": updated, "deleted": deleted }),
        ))
    })
}

/// Links (or with `remove`, unlinks) a variant and an inventory item.
fn inventory<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let variant = input["variant_id"].as_str().unwrap_or_default();
        let item = input["inventory_item_id"].as_str().unwrap_or_default();
        let mut exec = ctx.exec();
        svc(&env, "product")?
            .retrieve(&mut exec, "product_variant", variant, None)
            .await?;
        svc(&env, "inventory")?
            .retrieve(&mut exec, "inventory_item", item, None)
            .await?;
        let link = LinkRef::new("product_variant", variant, "inventory_item", item);
        if input["remove"] == true {
            links::dismiss(&mut exec, &env.registry, &[link])
                .await
                .map_err(|e| StepError::new(e.to_string()))?;
        } else {
            let quantity = input["required_quantity"].as_i64().unwrap_or(1);
            if quantity < 1 {
                return Err(invalid("required_quantity must be at least 1"));
            }
            let data = [("required_quantity".to_owned(), json!(quantity))]
                .into_iter()
                .collect();
            links::create(&mut exec, &env.registry, &[link.with_data(data)])
                .await
                .map_err(|e| StepError::new(e.to_string()))?;
        }
        ctx.emit("product-variant.updated", json!({ "id": variant }));
        Ok(StepOutput::new(json!({ "id": variant })))
    })
}
