//! Inventory workflows behind `/admin/inventory-items`: create, update and
//! delete an item (not while it has reservations; its variant links go
//! too), stock it at a location (one level per item and location), change
//! its quantities there, stop stocking it there (not while units are
//! reserved there), and a batch of level changes. One step in one
//! transaction each; emits `inventory-item.created|updated|deleted` and
//! `inventory-level.created|updated|deleted`.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::links;
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE_ITEM: &str = "create-inventory-items";
pub const CREATE_LEVEL: &str = "create-inventory-levels";
pub const UPDATE_LEVEL: &str = "update-inventory-levels";
pub const UPDATE_ITEM: &str = "update-inventory-items";
pub const DELETE_ITEM: &str = "delete-inventory-items";
pub const DELETE_LEVEL: &str = "delete-inventory-levels";
pub const BATCH_LEVELS: &str = "batch-inventory-item-levels";

/// Item columns a create or update body may set.
pub const ITEM_COLUMNS: &[&str] = &[
    "sku",
    "title",
    "description",
    "thumbnail",
    "hs_code",
    "weight",
    "length",
    "height",
    "width",
    "origin_country",
    "mid_code",
    "material",
    "requires_shipping",
    "metadata",
];

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
        WorkflowDef::new(UPDATE_ITEM).step(StepDef::func(
            "update-inventory-item",
            update_item,
            None,
        )),
        WorkflowDef::new(DELETE_ITEM).step(StepDef::func(
            "delete-inventory-item",
            delete_item,
            None,
        )),
        WorkflowDef::new(DELETE_LEVEL).step(StepDef::func(
            "delete-inventory-level",
            delete_level,
            None,
        )),
        WorkflowDef::new(BATCH_LEVELS).step(StepDef::func(
            "batch-inventory-levels",
            batch_levels,
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
                vec![pick(&input, ITEM_COLUMNS)],
            )
            .await?;
        let id = item
            .first()
            .and_then(|i| i["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        for level in input["location_levels"].as_array().into_iter().flatten() {
            add_level(&mut exec, &env, &id, level).await?;
        }
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
        let id = {
            let mut exec = ctx.exec();
            svc(&env, "inventory")?
                .retrieve(&mut exec, "inventory_item", &item, None)
                .await?;
            add_level(&mut exec, &env, &item, &input).await?
        };
        ctx.emit("inventory-level.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn update_level<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let item = input["inventory_item_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let id = change_level(&mut ctx.exec(), &env, &item, &input).await?;
        ctx.emit("inventory-level.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn not_allowed(message: impl Into<String>) -> StepError {
    StepError::permanent("not_allowed", message)
}

async fn add_level(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    item: &str,
    level: &Value,
) -> Result<Value, StepError> {
    let location = level["location_id"].as_str().unwrap_or_default().to_owned();
    let mut row = quantities(level)?;
    let inventory = svc(env, "inventory")?;
    svc(env, "stock_location")?
        .retrieve(exec, "stock_location", &location, None)
        .await?;
    let existing = inventory
        .count(
            exec,
            "inventory_level",
            &json!({ "inventory_item_id": item, "location_id": location }),
            false,
        )
        .await?;
    if existing > 0 {
        return Err(StepError::permanent(
            "invalid_data",
            format!("Inventory level for item {item} and location {location} already exists"),
        ));
    }
    row.insert("inventory_item_id".into(), json!(item));
    row.insert("location_id".into(), json!(location));
    let level = inventory.create(exec, "inventory_level", vec![row]).await?;
    Ok(level.first().map(|l| l["id"].clone()).unwrap_or_default())
}

async fn change_level(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    item: &str,
    level: &Value,
) -> Result<Value, StepError> {
    let changes = quantities(level)?;
    let location = level["location_id"].as_str().unwrap_or_default();
    let filter = json!({ "inventory_item_id": item, "location_id": location });
    let updated = svc(env, "inventory")?
        .update(exec, "inventory_level", &filter, &changes)
        .await?;
    updated.first().map(|l| l["id"].clone()).ok_or_else(|| {
        StepError::permanent(
            "not_found",
            format!("Item {item} is not stocked at location {location}"),
        )
    })
}

/// Deletes the item's level at `location`, unless units are reserved there.
async fn remove_level(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    item: &str,
    location: &str,
) -> Result<Value, StepError> {
    let inventory = svc(env, "inventory")?;
    let levels = inventory
        .list(
            exec,
            "inventory_level",
            &json!({ "inventory_item_id": item, "location_id": location }),
            &FindOptions::default(),
        )
        .await?;
    let Some(level) = levels.first() else {
        return Err(StepError::permanent(
            "not_found",
            format!("Item {item} is not stocked at location {location}"),
        ));
    };
    if level
        .get("reserved_quantity")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        > 0
    {
        return Err(not_allowed(format!(
            "Cannot remove Inventory Level {} at Location {location} because there are reservations at location",
            level.get("id").and_then(Value::as_str).unwrap_or_default()
        )));
    }
    let id = level.get("id").cloned().unwrap_or_default();
    inventory
        .delete(
            exec,
            "inventory_level",
            &[id.as_str().unwrap_or_default().to_owned()],
        )
        .await?;
    Ok(id)
}

fn update_item<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let row = pick(&input, ITEM_COLUMNS);
        let inventory = svc(&env, "inventory")?;
        let mut exec = ctx.exec();
        if row.is_empty() {
            inventory
                .retrieve(&mut exec, "inventory_item", &id, None)
                .await?;
        } else {
            inventory
                .update_by_id(&mut exec, "inventory_item", &id, &row)
                .await?;
        }
        ctx.emit("inventory-item.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete_item<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let inventory = svc(&env, "inventory")?;
        let mut exec = ctx.exec();
        inventory
            .retrieve(&mut exec, "inventory_item", &id, None)
            .await?;
        let reserved = inventory
            .count(
                &mut exec,
                "reservation_item",
                &json!({ "inventory_item_id": id }),
                false,
            )
            .await?;
        if reserved > 0 {
            return Err(not_allowed(format!(
                "Cannot remove following inventory item(s) since they have reservations: [{id}]."
            )));
        }
        inventory
            .soft_delete(&mut exec, "inventory_item", std::slice::from_ref(&id))
            .await?;
        links::on_deleted(
            &mut exec,
            &env.registry,
            "inventory_item",
            std::slice::from_ref(&id),
        )
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
        ctx.emit("inventory-item.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete_level<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let item = input["inventory_item_id"].as_str().unwrap_or_default();
        let location = input["location_id"].as_str().unwrap_or_default();
        let id = remove_level(&mut ctx.exec(), &env, item, location).await?;
        ctx.emit("inventory-level.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

/// `{inventory_item_id, create: [level], update: [level], delete: [location ids]}`.
fn batch_levels<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let item = input["inventory_item_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let (mut created, mut updated, mut deleted) = (Vec::new(), Vec::new(), Vec::new());
        {
            let mut exec = ctx.exec();
            svc(&env, "inventory")?
                .retrieve(&mut exec, "inventory_item", &item, None)
                .await?;
            for location in input["delete"].as_array().into_iter().flatten() {
                let location = location.as_str().unwrap_or_default();
                deleted.push(remove_level(&mut exec, &env, &item, location).await?);
            }
            for level in input["update"].as_array().into_iter().flatten() {
                updated.push(change_level(&mut exec, &env, &item, level).await?);
            }
            for level in input["create"].as_array().into_iter().flatten() {
                created.push(add_level(&mut exec, &env, &item, level).await?);
            }
        }
        for (event, ids) in [
            ("inventory-level.created", &created),
            ("inventory-level.updated", &updated),
            ("inventory-level.deleted", &deleted),
        ] {
            for id in ids {
                ctx.emit(event, json!({ "id": id }));
            }
        }
        Ok(StepOutput::new(
            json!({ "created": created, "updated": updated, "deleted": deleted }),
        ))
    })
}
