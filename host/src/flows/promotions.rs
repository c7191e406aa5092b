//! Promotion workflows behind `/admin/promotions`: a standard promotion
//! (percentage or fixed, on items, shipping methods or the order, by code or
//! automatic) with its application method and optionally a new campaign;
//! update and delete. One step in one transaction each; emits
//! `promotion.created|updated|deleted`.
//!
//! Conditions (`rules`, `target_rules`, `buy_rules`) and buy-get promotions
//! are refused with a clear `400`: the promotion module does not evaluate
//! them yet.

use serde_json::{Map, Value, json};

use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-promotions";
pub const UPDATE: &str = "update-promotions";
pub const DELETE: &str = "delete-promotions";

const METHOD_FIELDS: &[&str] = &[
    "type",
    "target_type",
    "allocation",
    "value",
    "currency_code",
    "max_quantity",
];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-promotion", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-promotion", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-promotion", delete, None)),
    ]
}

fn svc(env: &WorkflowEnv) -> Result<ModuleService, StepError> {
    env.registry
        .service("promotion")
        .ok_or_else(|| StepError::new("no promotion module"))
}

fn invalid(message: impl Into<String>) -> StepError {
    StepError::permanent("invalid_data", message)
}

fn pick(input: &Value, keys: &[&str]) -> Row {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
        .collect()
}

fn has_items(v: &Value) -> bool {
    v.as_array().is_some_and(|a| !a.is_empty())
}

/// Checks what the promotion module can apply.
fn check(promotion: &Value, method: &Map<String, Value>) -> Result<(), StepError> {
    if promotion["type"].as_str().is_some_and(|t| t != "standard") {
        return Err(invalid(
            "Only standard promotions are supported; buyget promotions are not yet",
        ));
    }
    if has_items(&promotion["rules"])
        || has_items(&promotion["application_method"]["target_rules"])
        || has_items(&promotion["application_method"]["buy_rules"])
    {
        return Err(invalid("Promotion rules are not supported yet"));
    }
    let value = method.get("value").and_then(Value::as_f64);
    match (method.get("type").and_then(Value::as_str), value) {
        (_, None) => Err(invalid("application_method.value is required")),
        (_, Some(v)) if v <= 0.0 => Err(invalid("application_method.value must be positive")),
        (Some("percentage"), Some(v)) if v > 100.0 => {
            Err(invalid("A percentage application method cannot exceed 100"))
        }
        (Some("fixed"), _)
            if method
                .get("currency_code")
                .is_none_or(|c| c.as_str().is_none()) =>
        {
            Err(invalid(
                "application_method.currency_code is required for a fixed promotion",
            ))
        }
        (Some("fixed" | "percentage"), _) => Ok(()),
        _ => Err(invalid(
            "application_method.type must be fixed or percentage",
        )),
    }
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let mut method = pick(&input["application_method"], METHOD_FIELDS);
        if let Some(Value::String(code)) = method.get_mut("currency_code") {
            *code = code.to_lowercase();
        }
        check(&input, &method)?;
        let promotions = svc(&env)?;
        let mut exec = ctx.exec();
        let mut row = pick(
            &input,
            &["code", "is_automatic", "type", "status", "campaign_id"],
        );
        if let Some(campaign) = input.get("campaign").filter(|c| c.is_object()) {
            let created = promotions
                .create(
                    &mut exec,
                    "campaign",
                    vec![pick(
                        campaign,
                        &[
                            "name",
                            "campaign_identifier",
                            "description",
                            "starts_at",
                            "ends_at",
                        ],
                    )],
                )
                .await?;
            let id = created.first().map(|c| c["id"].clone()).unwrap_or_default();
            if let Some(budget) = campaign.get("budget").filter(|b| b.is_object()) {
                let mut data = pick(budget, &["type", "limit", "currency_code"]);
                data.insert("campaign_id".into(), id.clone());
                promotions
                    .create(&mut exec, "campaign_budget", vec![data])
                    .await?;
            }
            row.insert("campaign_id".into(), id);
        }
        let created = promotions.create(&mut exec, "promotion", vec![row]).await?;
        let id = created.first().map(|p| p["id"].clone()).unwrap_or_default();
        method.insert("promotion_id".into(), id.clone());
        promotions
            .create(&mut exec, "application_method", vec![method])
            .await?;
        ctx.emit("promotion.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let promotions = svc(&env)?;
        let mut exec = ctx.exec();
        let current = promotions
            .retrieve(&mut exec, "promotion", &id, None)
            .await?;
        let changes = pick(&input, &["code", "is_automatic", "status", "campaign_id"]);
        if !changes.is_empty() {
            promotions
                .update_by_id(&mut exec, "promotion", &id, &changes)
                .await?;
        }
        if input["application_method"].is_object() {
            let methods = promotions
                .list(
                    &mut exec,
                    "application_method",
                    &json!({ "promotion_id": id }),
                    &FindOptions::default(),
                )
                .await?;
            let mut merged: Map<String, Value> = methods.first().cloned().unwrap_or_default();
            let changes = pick(&input["application_method"], METHOD_FIELDS);
            merged.extend(changes.clone());
            let mut whole = Value::Object(current.clone());
            whole["rules"] = input["rules"].clone();
            whole["application_method"] = input["application_method"].clone();
            check(&whole, &merged)?;
            let method_id = merged
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            promotions
                .update_by_id(&mut exec, "application_method", &method_id, &changes)
                .await?;
        }
        ctx.emit("promotion.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        svc(&env)?
            .soft_delete(&mut exec, "promotion", std::slice::from_ref(&id))
            .await?;
        ctx.emit("promotion.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn only_what_the_module_applies_is_accepted() {
        let standard = json!({ "type": "standard" });
        assert!(
            check(
                &standard,
                &method(json!({ "type": "percentage", "value": 10 }))
            )
            .is_ok()
        );
        assert!(
            check(
                &standard,
                &method(json!({ "type": "percentage", "value": 120 }))
            )
            .is_err()
        );
        assert!(check(&standard, &method(json!({ "type": "fixed", "value": 5 }))).is_err());
        assert!(
            check(
                &standard,
                &method(json!({ "type": "fixed", "value": 5, "currency_code": "eur" }))
            )
            .is_ok()
        );
        let buyget = json!({ "type": "buyget" });
        assert!(
            check(
                &buyget,
                &method(json!({ "type": "percentage", "value": 10 }))
            )
            .is_err()
        );
        let ruled = json!({ "type": "standard", "rules": [{ "attribute": "x" }] });
        assert!(
            check(
                &ruled,
                &method(json!({ "type": "percentage", "value": 10 }))
            )
            .is_err()
        );
    }
}
