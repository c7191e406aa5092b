//! Inventory workflows behind `/admin/inventory-items`: create an item, and
//! stock it at a location (one level per item and location) or change its
//! quantities there. One step in one transaction each; emits
//! `inventory-item.created` and `inventory-level.created|updated`.

use serde_json::{Value, json};

use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE_ITEM: &str = "create-inventory-items";
pub const CREATE_LEVEL: &str = "create-inventory-levels";
pub const UPDATE_LEVEL: &str = "update-inventory-levels";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE_ITEM).step(StepDef::func(
            "create-inventory-item",
            create_item,
            None,
        )),
        WorkflowDef::new(CREATE_LEVEL).step(StepDef::func(
            "create-inventory-level",
            create_level,
            None,
        )),
        WorkflowDef::new(UPDATE_LEVEL).step(StepDef::func(
            "update-inventory-level",
            update_level,
            None,
        )),
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

/// Quantities must be whole and not negative.
fn quantities(input: &Value) -> Result<Row, StepError> {
    let row = pick(input, &["stocked_quantity", "incoming_quantity"]);
    for (key, value) in &row {
        if value.as_i64().is_none_or(|q| q < 0) {
            return Err(StepError::permanent(
                "invalid_data",
                format!("Invalid request: Field '{key}' must be a whole number >= 0"),
            ));
        }
    }
    Ok(row)
}

fn create_item<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let inventory = svc(&env, "inventory")?;
        let mut exec = ctx.exec();
        let item = inventory
            .create(
                &mut exec,
                "inventory_item",
                vec![pick(
                    &input,
                    &["sku", "title", "requires_shipping", "metadata"],
                )],
            )
            .await?;
        let id = item
            .first()
            .and_then(|i| i["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        let locations = svc(&env, "stock_location")?;
        let mut levels = Vec::new();
        for level in input["location_levels"].as_array().into_iter().flatten() {
            let location = level["location_id"].as_str().unwrap_or_default();
            locations
                .retrieve(&mut exec, "stock_location", location, None)
                .await?;
            let mut row = quantities(level)?;
            row.insert("location_id".into(), json!(location));
            row.insert("inventory_item_id".into(), json!(id));
            levels.push(row);
        }
        inventory
            .create(&mut exec, "inventory_level", levels)
            .await?;
        ctx.emit("inventory-item.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn create_level<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let item = input["inventory_item_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let location = input["location_id"].as_str().unwrap_or_default().to_owned();
        let mut row = quantities(&input)?;
        let inventory = svc(&env, "inventory")?;
        let mut exec = ctx.exec();
        inventory
            .retrieve(&mut exec, "inventory_item", &item, None)
            .await?;
        svc(&env, "stock_location")?
            .retrieve(&mut exec, "stock_location", &location, None)
            .await?;
        let existing = inventory
            .list(
                &mut exec,
                "inventory_level",
                &json!({ "inventory_item_id": item, "location_id": location }),
                &FindOptions::default(),
            )
            .await?;
        if !existing.is_empty() {
            return Err(StepError::permanent(
                "invalid_data",
                format!("Inventory level for item {item} and location {location} already exists"),
            ));
        }
        row.insert("inventory_item_id".into(), json!(item));
        row.insert("location_id".into(), json!(location));
        let level = inventory
            .create(&mut exec, "inventory_level", vec![row])
            .await?;
        let id = level.first().map(|l| l["id"].clone()).unwrap_or_default();
        ctx.emit("inventory-level.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn update_level<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let changes = quantities(&input)?;
        let inventory = svc(&env, "inventory")?;
        let mut exec = ctx.exec();
        let filter = json!({
            "inventory_item_id": input["inventory_item_id"], "location_id": input["location_id"],
        });
        let updated = inventory
            .update(&mut exec, "inventory_level", &filter, &changes)
            .await?;
        let Some(level) = updated.first() else {
            return Err(StepError::permanent(
                "not_found",
                format!(
                    "Item {} is not stocked at location {}",
                    input["inventory_item_id"].as_str().unwrap_or_default(),
                    input["location_id"].as_str().unwrap_or_default()
                ),
            ));
        };
        let id = level["id"].clone();
        ctx.emit("inventory-level.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}
