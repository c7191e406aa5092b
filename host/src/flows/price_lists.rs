//! Price list workflows behind `/admin/price-lists`: a sale or override list
//! (dates, status, customer-group rules) whose prices sit in the price sets
//! of the variants they price; update; delete (with its prices); and batch
//! changes to its prices. One step in one transaction each; emits
//! `price-list.created|updated|deleted`.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-price-lists";
pub const UPDATE: &str = "update-price-lists";
pub const DELETE: &str = "delete-price-lists";
pub const BATCH_PRICES: &str = "batch-price-list-prices";

const LIST_COLUMNS: &[&str] = &[
    "title",
    "description",
    "starts_at",
    "ends_at",
    "status",
    "type",
    "rules",
];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-price-list", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-price-list", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-price-list", delete, None)),
        WorkflowDef::new(BATCH_PRICES).step(StepDef::func("batch-prices", batch, None)),
    ]
}

fn svc(env: &WorkflowEnv) -> Result<ModuleService, StepError> {
    env.registry
        .service("pricing")
        .ok_or_else(|| StepError::new("no pricing module"))
}

fn pick(input: &Value, keys: &[&str]) -> Row {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
        .collect()
}

fn invalid(message: impl Into<String>) -> StepError {
    StepError::permanent("invalid_data", message)
}

/// The price set of variant `id`, or a `400` naming it.
async fn variant_price_set(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    id: &str,
) -> Result<String, StepError> {
    let request = GraphRequest {
        entity: "product_variant".into(),
        fields: FieldTree::from_paths(["id", "price_set.id"]),
        filters: json!({ "id": id }),
        ..Default::default()
    };
    let found = env
        .query
        .graph(exec, &request)
        .await
        .map_err(|e| StepError::new(e.to_string()))?
        .data;
    found
        .first()
        .and_then(|v| v.get("price_set"))
        .and_then(|s| s["id"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| invalid(format!("Variant with id: {id} has no price set")))
}

/// Price rows of list `list` from `{variant_id, currency_code, amount, ...}`.
async fn price_rows(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    list: &str,
    prices: &Value,
) -> Result<Vec<Row>, StepError> {
    let mut rows = Vec::new();
    for price in prices.as_array().into_iter().flatten() {
        let variant = price["variant_id"]
            .as_str()
            .ok_or_else(|| invalid("Every price list price needs a variant_id"))?;
        let currency = price["currency_code"]
            .as_str()
            .ok_or_else(|| invalid("Every price list price needs a currency_code"))?
            .to_lowercase();
        if price["amount"].as_f64().is_none_or(|a| a < 0.0) {
            return Err(invalid("Every price list price needs an amount >= 0"));
        }
        let set = variant_price_set(exec, env, variant).await?;
        let region = price["rules"]["region_id"].clone();
        rows.push(pick(
            &json!({
                "price_set_id": set, "price_list_id": list, "currency_code": currency,
                "amount": price["amount"], "min_quantity": price["min_quantity"],
                "max_quantity": price["max_quantity"], "region_id": region,
                "rules_count": i32::from(region.is_string()),
            }),
            &[
                "price_set_id",
                "price_list_id",
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

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let pricing = svc(&env)?;
        let mut exec = ctx.exec();
        let created = pricing
            .create(&mut exec, "price_list", vec![pick(&input, LIST_COLUMNS)])
            .await?;
        let id = created
            .first()
            .and_then(|l| l["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        let rows = price_rows(&mut exec, &env, &id, &input["prices"]).await?;
        pricing.create(&mut exec, "price", rows).await?;
        ctx.emit("price-list.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let pricing = svc(&env)?;
        let mut exec = ctx.exec();
        let changes = pick(&input, LIST_COLUMNS);
        if changes.is_empty() {
            pricing.retrieve(&mut exec, "price_list", &id, None).await?;
        } else {
            pricing
                .update_by_id(&mut exec, "price_list", &id, &changes)
                .await?;
        }
        ctx.emit("price-list.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

async fn list_price_ids(
    exec: &mut Exec<'_>,
    pricing: &ModuleService,
    list: &str,
) -> Result<Vec<String>, StepError> {
    Ok(pricing
        .list(
            exec,
            "price",
            &json!({ "price_list_id": list }),
            &FindOptions::default(),
        )
        .await?
        .into_iter()
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect())
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let pricing = svc(&env)?;
        let mut exec = ctx.exec();
        let prices = list_price_ids(&mut exec, &pricing, &id).await?;
        pricing.soft_delete(&mut exec, "price", &prices).await?;
        pricing
            .soft_delete(&mut exec, "price_list", std::slice::from_ref(&id))
            .await?;
        ctx.emit("price-list.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn batch<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let pricing = svc(&env)?;
        let mut exec = ctx.exec();
        pricing.retrieve(&mut exec, "price_list", &id, None).await?;
        let own = list_price_ids(&mut exec, &pricing, &id).await?;
        let rows = price_rows(&mut exec, &env, &id, &input["create"]).await?;
        let created = pricing.create(&mut exec, "price", rows).await?;
        let mut updated = Vec::new();
        for change in input["update"].as_array().into_iter().flatten() {
            let price = change["id"].as_str().unwrap_or_default();
            if !own.iter().any(|p| p == price) {
                return Err(invalid(format!("Price {price} is not in price list {id}")));
            }
            let data = pick(change, &["amount", "min_quantity", "max_quantity"]);
            updated.push(
                pricing
                    .update_by_id(&mut exec, "price", price, &data)
                    .await?,
            );
        }
        let deleted: Vec<String> = input["delete"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect();
        if let Some(stranger) = deleted.iter().find(|p| !own.contains(p)) {
            return Err(invalid(format!(
                "Price {stranger} is not in price list {id}"
            )));
        }
        pricing.soft_delete(&mut exec, "price", &deleted).await?;
        ctx.emit("price-list.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({
            "created": created, "updated": updated,
            "deleted": { "ids": deleted, "object": "price", "deleted": true },
        })))
    })
}
