//! Option workflows behind `/admin/products/{id}/options`: add an option
//! with its values to a product, rename it or change its values (values
//! left out are removed, new ones added, kept ones keep their ids), delete
//! it with its values. Each is one step in one transaction; emits
//! `product-option.created|updated|deleted`.
//!
//! Inputs: create `{product_id, title, values: [string]}`, update
//! `{product_id, id, title?, values?}`, delete `{product_id, id}`.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::product_common::{first_id, invalid, option_map, pick, svc};
use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
};

pub const CREATE: &str = "create-product-options";
pub const UPDATE: &str = "update-product-options";
pub const DELETE: &str = "delete-product-options";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-option", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-option", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-option", delete, None)),
    ]
}

/// The distinct, non-empty strings of `values`, in order.
fn value_strings(values: &Value) -> Result<Vec<String>, StepError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for v in values.as_array().into_iter().flatten() {
        let text = v
            .as_str()
            .or(v["value"].as_str())
            .ok_or_else(|| invalid("Option values must be strings"))?;
        if text.is_empty() {
            return Err(invalid("Option values must not be empty"));
        }
        if seen.insert(text.to_owned()) {
            out.push(text.to_owned());
        }
    }
    Ok(out)
}

async fn create_values(
    exec: &mut Exec<'_>,
    products: &ModuleService,
    option: &str,
    values: &[String],
) -> Result<(), StepError> {
    let rows: Vec<Row> = values
        .iter()
        .map(|v| {
            pick(
                &json!({ "value": v, "option_id": option }),
                &["value", "option_id"],
            )
        })
        .collect();
    products.create(exec, "product_option_value", rows).await?;
    Ok(())
}

/// The option `id`, checked to be one of `product`'s.
async fn owned_option(
    exec: &mut Exec<'_>,
    products: &ModuleService,
    product: &str,
    id: &str,
) -> Result<Row, StepError> {
    let row = products.retrieve(exec, "product_option", id, None).await?;
    if row.get("product_id").and_then(Value::as_str) != Some(product) {
        return Err(StepError::permanent(
            "not_found",
            format!("Product option with id: {id} was not found"),
        ));
    }
    Ok(row)
}

/// Adds option `title` with `values` to `product`; returns its id.
pub(crate) async fn create_option(
    exec: &mut Exec<'_>,
    products: &ModuleService,
    product: &str,
    title: &str,
    values: &Value,
) -> Result<String, StepError> {
    if title.trim().is_empty() {
        return Err(invalid("Invalid request: Field 'title' is required"));
    }
    let values = value_strings(values)?;
    products.retrieve(exec, "product", product, None).await?;
    if option_map(exec, products, product)
        .await?
        .contains_key(title)
    {
        return Err(invalid(format!(
            "Product option with title {title} already exists for this product"
        )));
    }
    let option = first_id(
        &products
            .create(
                exec,
                "product_option",
                vec![pick(
                    &json!({ "title": title, "product_id": product }),
                    &["title", "product_id"],
                )],
            )
            .await?,
    );
    create_values(exec, products, &option, &values).await?;
    Ok(option)
}

/// Renames option `id` of `product` and/or makes its values `values`.
pub(crate) async fn update_option(
    exec: &mut Exec<'_>,
    products: &ModuleService,
    product: &str,
    id: &str,
    title: Option<&str>,
    values: &Value,
) -> Result<(), StepError> {
    let current = owned_option(exec, products, product, id).await?;
    if let Some(title) = title {
        let old = current.get("title").and_then(Value::as_str);
        if Some(title) != old
            && option_map(exec, products, product)
                .await?
                .contains_key(title)
        {
            return Err(invalid(format!(
                "Product option with title {title} already exists for this product"
            )));
        }
        products
            .update_by_id(
                exec,
                "product_option",
                id,
                &pick(&json!({ "title": title }), &["title"]),
            )
            .await?;
    }
    if values.is_array() {
        let wanted = value_strings(values)?;
        let existing = products
            .list(
                exec,
                "product_option_value",
                &json!({ "option_id": id }),
                &FindOptions::default(),
            )
            .await?;
        let have: Vec<(String, String)> = existing
            .iter()
            .filter_map(|v| {
                Some((
                    v.get("id")?.as_str()?.to_owned(),
                    v.get("value")?.as_str()?.to_owned(),
                ))
            })
            .collect();
        let gone: Vec<String> = have
            .iter()
            .filter(|(_, value)| !wanted.contains(value))
            .map(|(vid, _)| vid.clone())
            .collect();
        let fresh: Vec<String> = wanted
            .into_iter()
            .filter(|w| !have.iter().any(|(_, value)| value == w))
            .collect();
        products
            .soft_delete(exec, "product_option_value", &gone)
            .await?;
        create_values(exec, products, id, &fresh).await?;
    }
    Ok(())
}

/// Deletes option `id` of `product` with its values.
pub(crate) async fn delete_option(
    exec: &mut Exec<'_>,
    products: &ModuleService,
    product: &str,
    id: &str,
) -> Result<(), StepError> {
    owned_option(exec, products, product, id).await?;
    products
        .soft_delete(exec, "product_option", &[id.to_owned()])
        .await?;
    Ok(())
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["product_id"].as_str().unwrap_or_default();
        let title = input["title"].as_str().unwrap_or_default();
        let products = svc(&env, "product")?;
        let option =
            create_option(&mut ctx.exec(), &products, product, title, &input["values"]).await?;
        ctx.emit("product-option.created", json!({ "id": option }));
        Ok(StepOutput::new(json!({ "id": option })))
    })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["product_id"].as_str().unwrap_or_default();
        let id = input["id"].as_str().unwrap_or_default();
        let products = svc(&env, "product")?;
        update_option(
            &mut ctx.exec(),
            &products,
            product,
            id,
            input["title"].as_str(),
            &input["values"],
        )
        .await?;
        ctx.emit("product-option.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let product = input["product_id"].as_str().unwrap_or_default();
        let id = input["id"].as_str().unwrap_or_default();
        let products = svc(&env, "product")?;
        delete_option(&mut ctx.exec(), &products, product, id).await?;
        ctx.emit("product-option.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_are_distinct_non_empty_strings() {
        assert_eq!(
            value_strings(&json!(["S", "M", "S", { "value": "L" }])).unwrap(),
            vec!["S", "M", "L"]
        );
        assert!(value_strings(&json!(["S", ""])).is_err());
        assert!(value_strings(&json!([3])).is_err());
    }
}
