//! Shipping option workflows behind `/admin/shipping-options`: an option in
//! a service zone for a shipping profile and provider, with its type, rules
//! and a price set (prices per currency, or per region in the region's
//! currency). One step in one transaction; emits `shipping-option.created`
//! and `.deleted`.

use serde_json::{Value, json};

use crate::framework::data::{ModuleService, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-shipping-options";
pub const DELETE: &str = "delete-shipping-options";

const OPERATORS: &[&str] = &["in", "eq", "ne", "gt", "gte", "lt", "lte", "nin"];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-shipping-option", create, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-shipping-option", delete, None)),
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
            let currency = match price["region_id"].as_str() {
                Some(region) => regions
                    .retrieve(&mut exec, "region", region, None)
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
            prices.push(row(json!({
                "price_set_id": set_id, "currency_code": currency, "amount": price["amount"],
                "region_id": price["region_id"], "rules_count": i32::from(price["region_id"].is_string()),
            })));
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
}
