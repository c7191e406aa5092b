//! Product workflows behind `/admin/products`: create a product with its
//! options and values, variants (each with a price set, and an inventory item
//! of its own unless it does not manage inventory or names its items),
//! images, tags, categories, sales channels and shipping profile; update
//! one (fields, images, tags, categories, channels, and its options and
//! variants upserted with the ones left out deleted); delete a product. Each is one step in one transaction; emits `product.created`,
//! `product-variant.created` and `product.deleted`.

use serde_json::{Value, json};

use super::product_common::{
    OptionMap, create_variant, first_id, ids_of, link, pick, svc, variant_values,
};
use super::{product_options, product_variants};
use crate::db::Exec;
use crate::framework::data::Row;
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    CompensateContext, StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
    WorkflowEnv,
};

pub const CREATE: &str = "create-products";
pub const UPDATE: &str = "update-products";
pub const DELETE: &str = "delete-products";
pub const BATCH: &str = "batch-products";

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

/// Events a product write leaves to emit: `(name, id)`.
pub(crate) type Events = Vec<(&'static str, String)>;

fn emit(ctx: &mut StepContext, events: Events) {
    for (name, id) in events {
        ctx.emit(name, json!({ "id": id }));
    }
}

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        // Plugins extend both through hooks (Medusa's `productsCreated` and
        // `productsUpdated`): the workflow input, with its `additional_data`,
        // and the product step's `{id}` as an earlier result.
        WorkflowDef::new(CREATE)
            .step(StepDef::func("create-product", create, Some(undo_create)))
            .hook("products-created")
            .returns("create-product"),
        WorkflowDef::new(UPDATE)
            .step(StepDef::func("update-product", update, None))
            .hook("products-updated")
            .returns("update-product"),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-product", delete, None)),
        WorkflowDef::new(BATCH).step(StepDef::func("batch-products", batch, None)),
    ]
}

/// Creates one product from a create body; returns `{id, variant_ids}`.
pub(crate) async fn create_product(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    input: &Value,
) -> Result<(Value, Events), StepError> {
    let mut events: Events = Vec::new();
    let products = svc(env, "product")?;
    let title = input["title"].as_str().unwrap_or_default().to_owned();

    let mut row = pick(input, PRODUCT_COLUMNS);
    if row.get("thumbnail").is_none_or(Value::is_null)
        && let Some(url) = input["images"][0]["url"].as_str()
    {
        row.insert("thumbnail".into(), json!(url));
    }
    let product = first_id(&products.create(exec, "product", vec![row]).await?);

    // Options and their values.
    let mut options = OptionMap::new();
    for option in input["options"].as_array().into_iter().flatten() {
        let option_title = option["title"].as_str().unwrap_or_default().to_owned();
        let option_id = first_id(
            &products
                .create(
                    exec,
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
            .create(exec, "product_option_value", values)
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
    let values = variant_values(&title, &variants, &options, &[])?;
    let mut variant_ids = Vec::new();
    for (rank, (variant, value_ids)) in variants.iter().zip(values).enumerate() {
        variant_ids.push(create_variant(exec, env, &product, variant, &value_ids, rank).await?);
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
    products.create(exec, "product_image", images).await?;
    for (relation, key) in [("tags", "tags"), ("categories", "categories")] {
        let ids = ids_of(&input[key]);
        if !ids.is_empty() {
            products
                .set_related(exec, "product", relation, &product, &ids)
                .await?;
        }
    }
    let channels = svc(env, "sales_channel")?;
    let mut refs = Vec::new();
    for channel in ids_of(&input["sales_channels"]) {
        channels
            .retrieve(exec, "sales_channel", &channel, None)
            .await?;
        refs.push(LinkRef::new("product", &product, "sales_channel", &channel));
    }
    if let Some(profile) = input["shipping_profile_id"].as_str() {
        svc(env, "fulfillment")?
            .retrieve(exec, "shipping_profile", profile, None)
            .await?;
        refs.push(LinkRef::new(
            "product",
            &product,
            "shipping_profile",
            profile,
        ));
    }
    link(exec, env, refs).await?;

    events.push(("product.created", product.clone()));
    for id in &variant_ids {
        events.push(("product-variant.created", id.clone()));
    }
    Ok((json!({ "id": product, "variant_ids": variant_ids }), events))
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let (out, events) = create_product(&mut ctx.exec(), &env, &input).await?;
        emit(ctx, events);
        Ok(StepOutput::new(out.clone()).compensate_with(out))
    })
}

/// Undoes `create-product` (a later step, such as a plugin's hook, failed):
/// deletes the product with its variants, options and images, their links,
/// and the price sets and inventory items no other variant uses.
fn undo_create<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let product = data["id"].as_str().unwrap_or_default().to_owned();
        let variants = ids_of(&data["variant_ids"]);
        let mut exec = ctx.exec();
        let mut price_sets = Vec::new();
        let mut items = Vec::new();
        for variant in &variants {
            let linked = links::list(&mut exec, &env.registry, "product_variant", variant)
                .await
                .map_err(|e| StepError::new(e.to_string()))?;
            price_sets.extend(ids_of(&linked["price_set"]));
            items.extend(ids_of(&linked["inventory_item"]));
        }
        let dismiss = |e: crate::framework::links::LinkError| StepError::new(e.to_string());
        links::on_deleted(&mut exec, &env.registry, "product_variant", &variants)
            .await
            .map_err(dismiss)?;
        links::on_deleted(
            &mut exec,
            &env.registry,
            "product",
            std::slice::from_ref(&product),
        )
        .await
        .map_err(dismiss)?;
        let mut unused = Vec::new();
        for item in items {
            let still = links::list(&mut exec, &env.registry, "inventory_item", &item)
                .await
                .map_err(dismiss)?;
            if ids_of(&still["product_variant"]).is_empty() {
                unused.push(item);
            }
        }
        svc(&env, "inventory")?
            .delete(&mut exec, "inventory_item", &unused)
            .await?;
        svc(&env, "pricing")?
            .delete(&mut exec, "price_set", &price_sets)
            .await?;
        svc(&env, "product")?
            .delete(&mut exec, "product", std::slice::from_ref(&product))
            .await?;
        Ok(())
    })
}

/// Updates a product's own fields, replaces its images, tags, categories
/// and sales channels where the body gives them, and upserts its options and
/// variants (deleting the ones left out) when those lists are not empty.
pub(crate) async fn update_product(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    input: &Value,
) -> Result<(Value, Events), StepError> {
    let mut events: Events = Vec::new();
    let product = input["id"].as_str().unwrap_or_default().to_owned();
    let products = svc(env, "product")?;
    let mut row = pick(input, PRODUCT_COLUMNS);
    if input["images"].is_array()
        && input.get("thumbnail").is_none()
        && let Some(url) = input["images"][0]["url"].as_str()
    {
        row.insert("thumbnail".into(), json!(url));
    }
    if row.is_empty() {
        products.retrieve(exec, "product", &product, None).await?;
    } else {
        products
            .update_by_id(exec, "product", &product, &row)
            .await?;
    }
    if input["images"].is_array() {
        let old: Vec<String> = products
            .list(
                exec,
                "product_image",
                &json!({ "product_id": product }),
                &Default::default(),
            )
            .await?
            .into_iter()
            .filter_map(|i| i["id"].as_str().map(str::to_owned))
            .collect();
        products.delete(exec, "product_image", &old).await?;
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
        products.create(exec, "product_image", images).await?;
    }
    for relation in ["tags", "categories"] {
        if input[relation].is_array() {
            products
                .set_related(
                    exec,
                    "product",
                    relation,
                    &product,
                    &ids_of(&input[relation]),
                )
                .await?;
        }
    }
    if input["sales_channels"].is_array() {
        let channels = svc(env, "sales_channel")?;
        let wanted = ids_of(&input["sales_channels"]);
        for channel in &wanted {
            channels
                .retrieve(exec, "sales_channel", channel, None)
                .await?;
        }
        let current = links::list(exec, &env.registry, "product", &product)
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
        links::dismiss(exec, &env.registry, &gone)
            .await
            .map_err(|e| StepError::new(e.to_string()))?;
        let refs = wanted
            .iter()
            .map(|c| LinkRef::new("product", &product, "sales_channel", c))
            .collect();
        link(exec, env, refs).await?;
    }
    let options = input["options"].as_array().cloned().unwrap_or_default();
    if !options.is_empty() {
        replace_options(exec, &products, &product, &options).await?;
    }
    let variants = input["variants"].as_array().cloned().unwrap_or_default();
    let (mut created, mut updated, mut deleted) = (Vec::new(), Vec::new(), Vec::new());
    if !variants.is_empty() {
        let current: Vec<String> = products
            .list(
                exec,
                "product_variant",
                &json!({ "product_id": product }),
                &Default::default(),
            )
            .await?
            .iter()
            .filter_map(|v| v.get("id")?.as_str().map(str::to_owned))
            .collect();
        let (existing, fresh): (Vec<Value>, Vec<Value>) =
            variants.into_iter().partition(|v| v["id"].is_string());
        let gone: Vec<String> = current
            .into_iter()
            .filter(|c| !existing.iter().any(|v| v["id"] == c.as_str()))
            .collect();
        deleted = product_variants::delete_many(exec, env, &product, &gone).await?;
        updated = product_variants::update_many(exec, env, &product, &existing).await?;
        created = product_variants::create_many(exec, env, &product, &fresh).await?;
    }
    for (event, ids) in [
        ("product-variant.created", &created),
        ("product-variant.updated", &updated),
        ("product-variant.deleted", &deleted),
    ] {
        for id in ids {
            events.push((event, id.clone()));
        }
    }
    events.push(("product.updated", product.clone()));
    Ok((json!({ "id": product }), events))
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let (out, events) = update_product(&mut ctx.exec(), &env, &input).await?;
        emit(ctx, events);
        Ok(StepOutput::new(out))
    })
}

/// Makes the product's options exactly `options`: an entry with an `id`
/// updates that option, one without adds an option, and options left out
/// are deleted.
async fn replace_options(
    exec: &mut crate::db::Exec<'_>,
    products: &crate::framework::data::ModuleService,
    product: &str,
    options: &[Value],
) -> Result<(), StepError> {
    let current: Vec<String> = products
        .list(
            exec,
            "product_option",
            &json!({ "product_id": product }),
            &Default::default(),
        )
        .await?
        .iter()
        .filter_map(|o| o.get("id")?.as_str().map(str::to_owned))
        .collect();
    for gone in current
        .iter()
        .filter(|c| !options.iter().any(|o| o["id"] == c.as_str()))
    {
        product_options::delete_option(exec, products, product, gone).await?;
    }
    for option in options {
        match option["id"].as_str() {
            Some(id) => {
                product_options::update_option(
                    exec,
                    products,
                    product,
                    id,
                    option["title"].as_str(),
                    &option["values"],
                )
                .await?
            }
            None => product_options::create_option(
                exec,
                products,
                product,
                option["title"].as_str().unwrap_or_default(),
                &option["values"],
            )
            .await
            .map(|_| ())?,
        }
    }
    Ok(())
}

/// Soft-deletes one product (`{id}`).
pub(crate) async fn delete_product(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    input: &Value,
) -> Result<(Value, Events), StepError> {
    let mut events: Events = Vec::new();
    let id = input["id"].as_str().unwrap_or_default().to_owned();
    svc(env, "product")?
        .soft_delete(exec, "product", std::slice::from_ref(&id))
        .await?;
    events.push(("product.deleted", id.clone()));
    Ok((json!({ "id": id }), events))
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let (out, events) = delete_product(&mut ctx.exec(), &env, &input).await?;
        emit(ctx, events);
        Ok(StepOutput::new(out))
    })
}

/// `{create: [body], update: [body with id], delete: [ids]}` in one
/// transaction; returns the created, updated and deleted ids.
fn batch<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let mut events = Vec::new();
        let (mut created, mut updated, mut deleted) = (Vec::new(), Vec::new(), Vec::new());
        {
            let mut exec = ctx.exec();
            for id in input["delete"].as_array().into_iter().flatten() {
                let (out, more) = delete_product(&mut exec, &env, &json!({ "id": id })).await?;
                deleted.push(out["id"].clone());
                events.extend(more);
            }
            for body in input["update"].as_array().into_iter().flatten() {
                let (out, more) = update_product(&mut exec, &env, body).await?;
                updated.push(out["id"].clone());
                events.extend(more);
            }
            for body in input["create"].as_array().into_iter().flatten() {
                let (out, more) = create_product(&mut exec, &env, body).await?;
                created.push(out["id"].clone());
                events.extend(more);
            }
        }
        emit(ctx, events);
        Ok(StepOutput::new(
            json!({ "created": created, "updated": updated, "deleted": deleted }),
        ))
    })
}
