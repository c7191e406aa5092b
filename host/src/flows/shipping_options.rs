//! Shipping option workflows behind `/admin/shipping-options`: an option in
//! a service zone for a shipping profile and provider, with its type, rules
//! and a price set (prices per currency, or per region in the region's
//! currency); update one (fields, type, and prices and rules upserted with
//! the ones left out deleted); a batch of rule changes; delete. One step in
//! one transaction each; emits `shipping-option.created|updated|deleted`.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-shipping-options";
pub const DELETE: &str = "delete-shipping-options";
pub const UPDATE: &str = "update-shipping-options";
pub const BATCH_RULES: &str = "batch-shipping-option-rules";

const OPERATORS: &[&str] = &["in", "eq", "ne", "gt", "gte", "lt", "lte", "nin"];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-shipping-option", create, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-shipping-option", delete, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-shipping-option", update, None)),
        WorkflowDef::new(BATCH_RULES).step(StepDef::func(
            "batch-shipping-option-rules",
            batch_rules,
            None,
        )),
    ]
}

fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("no {module} module")))
}

fn row(value: Value) -> Row {
    value.as_object().cloned().unwrap_or_default()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn invalid(message: impl Into<String>) -> StepError {
    StepError::permanent("invalid_data", message)
}

/// The rule rows of a body, checked.
fn rules(list: &Value, option: &str) -> Result<Vec<Row>, StepError> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let operator = r["operator"].as_str().unwrap_or("eq");
            if !OPERATORS.contains(&operator) {
                return Err(invalid(format!("Invalid rule operator: {operator}")));
            }
            if r["attribute"].as_str().is_none_or(str::is_empty) {
                return Err(invalid("A shipping option rule needs an attribute"));
            }
            Ok(row(json!({
                "attribute": r["attribute"], "operator": operator, "value": r["value"],
                "shipping_option_id": option,
            })))
        })
        .collect()
}

/// A price row of `set` for one body price (`currency_code`, or `region_id`
/// in that region's currency).
async fn price_row(
    exec: &mut Exec<'_>,
    regions: &ModuleService,
    set: &str,
    price: &Value,
) -> Result<Row, StepError> {
    let currency = match price["region_id"].as_str() {
        Some(region) => regions
            .retrieve(exec, "region", region, None)
            .await?
            .get("currency_code")
            .cloned()
            .unwrap_or(Value::Null),
        None => json!(price["currency_code"].as_str().map(str::to_lowercase)),
    };
    if currency.is_null() {
        return Err(invalid(
            "A shipping option price needs a currency_code or a region_id",
        ));
    }
    if !price["amount"].is_number() {
        return Err(invalid("A shipping option price needs a numeric amount"));
    }
    Ok(row(json!({
        "price_set_id": set, "currency_code": currency, "amount": price["amount"],
        "region_id": price["region_id"], "rules_count": i32::from(price["region_id"].is_string()),
    })))
}

/// Ids of the rows of `model` matching `filter`.
async fn ids(
    exec: &mut Exec<'_>,
    service: &ModuleService,
    model: &str,
    filter: Value,
) -> Result<Vec<String>, StepError> {
    Ok(service
        .list(exec, model, &filter, &FindOptions::default())
        .await?
        .iter()
        .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
        .collect())
}

/// Applies `{create, update, delete}` to the option's rules; returns the
/// created, updated and deleted ids.
async fn apply_rule_changes(
    exec: &mut Exec<'_>,
    fulfillment: &ModuleService,
    option: &str,
    changes: &Value,
) -> Result<(Vec<String>, Vec<String>, Vec<String>), StepError> {
    let mine = ids(
        exec,
        fulfillment,
        "shipping_option_rule",
        json!({ "shipping_option_id": option }),
    )
    .await?;
    let foreign = |id: &str| {
        StepError::permanent(
            "not_found",
            format!("Shipping option rule with id: {id} was not found"),
        )
    };
    let deleted: Vec<String> = changes["delete"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    if let Some(id) = deleted.iter().find(|d| !mine.contains(d)) {
        return Err(foreign(id));
    }
    fulfillment
        .delete(exec, "shipping_option_rule", &deleted)
        .await?;
    let mut updated = Vec::new();
    for rule in changes["update"].as_array().into_iter().flatten() {
        let id = rule["id"].as_str().unwrap_or_default();
        if !mine.iter().any(|m| m == id) {
            return Err(foreign(id));
        }
        let mut data = rules(&json!([rule]), option)?.remove(0);
        data.remove("shipping_option_id");
        fulfillment
            .update_by_id(exec, "shipping_option_rule", id, &data)
            .await?;
        updated.push(id.to_owned());
    }
    let created = fulfillment
        .create(
            exec,
            "shipping_option_rule",
            rules(&changes["create"], option)?,
        )
        .await?
        .iter()
        .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
        .collect();
    Ok((created, updated, deleted))
}

/// The rule or price changes that make a list given in an update the whole
/// set: entries with an `id` update, others are created, the rest deleted.
fn replace_all(current: &[String], wanted: &Value) -> Value {
    let list = wanted.as_array().cloned().unwrap_or_default();
    let (update, create): (Vec<Value>, Vec<Value>) =
        list.into_iter().partition(|r| r["id"].is_string());
    let delete: Vec<&String> = current
        .iter()
        .filter(|c| !update.iter().any(|u| u["id"] == c.as_str()))
        .collect();
    json!({ "create": create, "update": update, "delete": delete })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = text(&input["id"]);
        let fulfillment = svc(&env, "fulfillment")?;
        let mut exec = ctx.exec();
        for (model, key) in [
            ("shipping_profile", "shipping_profile_id"),
            ("fulfillment_provider", "provider_id"),
        ] {
            if let Some(target) = input[key].as_str() {
                fulfillment.retrieve(&mut exec, model, target, None).await?;
            }
        }
        let columns: Row = [
            "name",
            "price_type",
            "shipping_profile_id",
            "provider_id",
            "data",
            "metadata",
        ]
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
        .collect();
        if columns.is_empty() {
            fulfillment
                .retrieve(&mut exec, "shipping_option", &id, None)
                .await?;
        } else {
            fulfillment
                .update_by_id(&mut exec, "shipping_option", &id, &columns)
                .await?;
        }
        if let Some(kind) = input["type"].as_object() {
            let data: Row = ["label", "code", "description"]
                .iter()
                .filter_map(|k| Some(((*k).to_owned(), kind.get(*k)?.clone())))
                .collect();
            fulfillment
                .update(
                    &mut exec,
                    "shipping_option_type",
                    &json!({ "shipping_option_id": id }),
                    &data,
                )
                .await?;
        }
        if input["rules"].is_array() {
            let current = ids(
                &mut exec,
                &fulfillment,
                "shipping_option_rule",
                json!({ "shipping_option_id": id }),
            )
            .await?;
            let changes = replace_all(&current, &input["rules"]);
            apply_rule_changes(&mut exec, &fulfillment, &id, &changes).await?;
        }
        if input["prices"].is_array() {
            let pricing = svc(&env, "pricing")?;
            let regions = svc(&env, "region")?;
            let linked = links::list(&mut exec, &env.registry, "shipping_option", &id)
                .await
                .map_err(|e| StepError::new(e.to_string()))?;
            let set = linked
                .get("price_set")
                .and_then(|s| s.get(0))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let current = ids(&mut exec, &pricing, "price", json!({ "price_set_id": set })).await?;
            let changes = replace_all(&current, &input["prices"]);
            let gone: Vec<String> = changes["delete"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            pricing.delete(&mut exec, "price", &gone).await?;
            for price in changes["update"].as_array().into_iter().flatten() {
                let price_id = text(&price["id"]);
                if !current.contains(&price_id) {
                    return Err(StepError::permanent(
                        "not_found",
                        format!("Price with id: {price_id} was not found on this option"),
                    ));
                }
                let mut data = price_row(&mut exec, &regions, &set, price).await?;
                data.remove("price_set_id");
                pricing
                    .update_by_id(&mut exec, "price", &price_id, &data)
                    .await?;
            }
            let mut fresh = Vec::new();
            for price in changes["create"].as_array().into_iter().flatten() {
                fresh.push(price_row(&mut exec, &regions, &set, price).await?);
            }
            pricing.create(&mut exec, "price", fresh).await?;
        }
        ctx.emit("shipping-option.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

/// `{id, create, update, delete}` on the option's rules.
fn batch_rules<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = text(&input["id"]);
        let fulfillment = svc(&env, "fulfillment")?;
        let (created, updated, deleted) = {
            let mut exec = ctx.exec();
            fulfillment
                .retrieve(&mut exec, "shipping_option", &id, None)
                .await?;
            apply_rule_changes(&mut exec, &fulfillment, &id, &input).await?
        };
        ctx.emit("shipping-option.updated", json!({ "id": id }));
        Ok(StepOutput::new(
            json!({ "created": created, "updated": updated, "deleted": deleted }),
        ))
    })
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let fulfillment = svc(&env, "fulfillment")?;
        let mut exec = ctx.exec();
        for (model, key) in [
            ("service_zone", "service_zone_id"),
            ("shipping_profile", "shipping_profile_id"),
            ("fulfillment_provider", "provider_id"),
        ] {
            fulfillment
                .retrieve(&mut exec, model, &text(&input[key]), None)
                .await?;
        }
        let option = fulfillment
            .create(
                &mut exec,
                "shipping_option",
                vec![row(json!({
                    "name": input["name"], "price_type": input["price_type"],
                    "service_zone_id": input["service_zone_id"],
                    "shipping_profile_id": input["shipping_profile_id"],
                    "provider_id": input["provider_id"],
                    "data": input.get("data").cloned().unwrap_or(json!({})),
                    "metadata": input.get("metadata").cloned().unwrap_or(Value::Null),
                }))],
            )
            .await?;
        let id = option
            .first()
            .and_then(|o| o["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        let kind = &input["type"];
        fulfillment
            .create(
                &mut exec,
                "shipping_option_type",
                vec![row(json!({
                    "label": kind["label"], "code": kind["code"],
                    "description": kind.get("description").cloned().unwrap_or(json!("")),
                    "shipping_option_id": id,
                }))],
            )
            .await?;
        fulfillment
            .create(
                &mut exec,
                "shipping_option_rule",
                rules(&input["rules"], &id)?,
            )
            .await?;

        let pricing = svc(&env, "pricing")?;
        let regions = svc(&env, "region")?;
        let set = pricing
            .create(&mut exec, "price_set", vec![Row::new()])
            .await?;
        let set_id = set
            .first()
            .and_then(|s| s["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        let mut prices = Vec::new();
        for price in input["prices"].as_array().into_iter().flatten() {
            prices.push(price_row(&mut exec, &regions, &set_id, price).await?);
        }
        pricing.create(&mut exec, "price", prices).await?;
        links::create(
            &mut exec,
            &env.registry,
            &[LinkRef::new("shipping_option", &id, "price_set", &set_id)],
        )
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
        ctx.emit("shipping-option.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        svc(&env, "fulfillment")?
            .soft_delete(&mut exec, "shipping_option", std::slice::from_ref(&id))
            .await?;
        ctx.emit("shipping-option.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_need_a_known_operator_and_an_attribute() {
        let ok = rules(
            &json!([{ "attribute": "is_return", "value": "false", "operator": "eq" }]),
            "so_1",
        )
        .unwrap();
        assert_eq!(ok[0]["shipping_option_id"], "so_1");
        assert!(rules(&json!([{ "attribute": "x", "operator": "like" }]), "so_1").is_err());
        assert!(rules(&json!([{ "operator": "eq" }]), "so_1").is_err());
    }

    #[test]
    fn a_list_in_an_update_replaces_the_set() {
        let current = vec!["a".to_owned(), "b".to_owned()];
        let changes = replace_all(
            &current,
            &json!([{ "id": "a", "amount": 5 }, { "amount": 7 }]),
        );
        assert_eq!(changes["update"], json!([{ "id": "a", "amount": 5 }]));
        assert_eq!(changes["create"], json!([{ "amount": 7 }]));
        assert_eq!(changes["delete"], json!(["b"]));
    }
}
