//! Promotion workflows behind `/admin/promotions`: a standard promotion
//! (percentage or fixed, on items, shipping methods or the order, by code or
//! automatic) or a buy-get one, with its application method, its conditions
//! (`rules` on the cart, `application_method.target_rules` on the lines
//! discounted, `buy_rules` on the lines bought) and optionally a new
//! campaign; update, delete, and a batch of rule changes. One step in one
//! transaction each; emits `promotion.created|updated|deleted`.
//!
//! A buy-get promotion also needs `buy_rules`, `target_rules`,
//! `buy_rules_min_quantity` and `apply_to_quantity`.

use serde_json::{Map, Value, json};

use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};
use crate::modules::promotion::rules;

pub const CREATE: &str = "create-promotions";
pub const UPDATE: &str = "update-promotions";
pub const DELETE: &str = "delete-promotions";
pub const BATCH_RULES: &str = "batch-promotion-rules";

const METHOD_FIELDS: &[&str] = &[
    "type",
    "target_type",
    "allocation",
    "value",
    "currency_code",
    "max_quantity",
    "buy_rules_min_quantity",
    "apply_to_quantity",
];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-promotion", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-promotion", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-promotion", delete, None)),
        WorkflowDef::new(BATCH_RULES).step(StepDef::func(
            "batch-promotion-rules",
            batch_rules,
            None,
        )),
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
/// `creating`: a buy-get promotion must bring its buy and target rules
/// (an update leaves the stored ones, changed through the rule batches).
fn check(promotion: &Value, method: &Map<String, Value>, creating: bool) -> Result<(), StepError> {
    let kind = promotion["type"].as_str().unwrap_or("standard");
    if !["standard", "buyget"].contains(&kind) {
        return Err(invalid("A promotion's type is standard or buyget"));
    }
    if kind == "buyget" {
        if creating && !has_items(&promotion["application_method"]["buy_rules"]) {
            return Err(invalid("Buy rules are required for buyget promotion type"));
        }
        if creating && !has_items(&promotion["application_method"]["target_rules"]) {
            return Err(invalid(
                "Target rules are required for buyget promotion type",
            ));
        }
        for key in ["buy_rules_min_quantity", "apply_to_quantity"] {
            if method
                .get(key)
                .and_then(Value::as_i64)
                .is_none_or(|q| q < 1)
            {
                return Err(invalid(format!(
                    "application_method.{key} is required for buyget promotion type"
                )));
            }
        }
    } else if has_items(&promotion["application_method"]["buy_rules"]) {
        return Err(invalid("Buy rules are only for buyget promotions"));
    }
    for rule in promotion["rules"]
        .as_array()
        .into_iter()
        .chain(promotion["application_method"]["target_rules"].as_array())
        .chain(promotion["application_method"]["buy_rules"].as_array())
        .flatten()
    {
        rules::validate(rule).map_err(invalid)?;
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
        check(&input, &method, true)?;
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
        let promotion = id.as_str().unwrap_or_default();
        create_rules(&mut exec, &promotions, promotion, "rules", &input["rules"]).await?;
        for rule_type in ["target_rules", "buy_rules"] {
            create_rules(
                &mut exec,
                &promotions,
                promotion,
                rule_type,
                &input["application_method"][rule_type],
            )
            .await?;
        }
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
            check(&whole, &merged, false)?;
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

/// A rule row: values kept as a list of strings.
fn rule_row(promotion: &str, rule_type: &str, rule: &Value) -> Row {
    let values: Vec<Value> = match &rule["values"] {
        Value::Array(values) => values
            .iter()
            .map(|v| v.get("value").unwrap_or(v))
            .map(|v| match v {
                Value::String(s) => Value::String(s.clone()),
                other => Value::String(other.to_string()),
            })
            .collect(),
        Value::String(s) => vec![Value::String(s.clone())],
        other => vec![Value::String(other.to_string())],
    };
    let mut row = pick(rule, &["attribute", "operator", "description"]);
    row.insert("values".into(), Value::Array(values));
    row.insert("rule_type".into(), json!(rule_type));
    row.insert("promotion_id".into(), json!(promotion));
    row
}

async fn create_rules(
    exec: &mut Exec<'_>,
    promotions: &ModuleService,
    promotion: &str,
    rule_type: &str,
    list: &Value,
) -> Result<Vec<String>, StepError> {
    let mut rows = Vec::new();
    for rule in list.as_array().into_iter().flatten() {
        rules::validate(rule).map_err(invalid)?;
        rows.push(rule_row(promotion, rule_type, rule));
    }
    Ok(promotions
        .create(exec, "promotion_rule", rows)
        .await?
        .iter()
        .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
        .collect())
}

/// `{promotion_id, rule_type, create, update, delete}`: adds, changes and
/// removes a promotion's rules of one type.
fn batch_rules<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let promotion = input["promotion_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let rule_type = input["rule_type"].as_str().unwrap_or("rules").to_owned();
        let promotions = svc(&env)?;
        let mut exec = ctx.exec();
        let row = promotions
            .retrieve(&mut exec, "promotion", &promotion, None)
            .await?;
        if rule_type == "buy_rules" && row.get("type").and_then(Value::as_str) != Some("buyget") {
            return Err(invalid("Buy rules are only for buyget promotions"));
        }
        let mine: Vec<String> = promotions
            .list(
                &mut exec,
                "promotion_rule",
                &json!({ "promotion_id": promotion, "rule_type": rule_type }),
                &FindOptions::default(),
            )
            .await?
            .iter()
            .filter_map(|r| r.get("id")?.as_str().map(str::to_owned))
            .collect();
        let foreign = |id: &str| {
            StepError::permanent(
                "not_found",
                format!("Promotion rule with id: {id} was not found"),
            )
        };
        let deleted: Vec<String> = input["delete"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if let Some(id) = deleted.iter().find(|d| !mine.contains(d)) {
            return Err(foreign(id));
        }
        promotions
            .delete(&mut exec, "promotion_rule", &deleted)
            .await?;
        let mut updated = Vec::new();
        for rule in input["update"].as_array().into_iter().flatten() {
            let id = rule["id"].as_str().unwrap_or_default();
            if !mine.iter().any(|m| m == id) {
                return Err(foreign(id));
            }
            let mut merged = promotions
                .retrieve(&mut exec, "promotion_rule", id, None)
                .await?;
            for key in ["attribute", "operator", "values", "description"] {
                if let Some(v) = rule.get(key) {
                    merged.insert(key.into(), v.clone());
                }
            }
            let merged = Value::Object(merged);
            rules::validate(&merged).map_err(invalid)?;
            let mut row = rule_row(&promotion, &rule_type, &merged);
            row.remove("promotion_id");
            promotions
                .update_by_id(&mut exec, "promotion_rule", id, &row)
                .await?;
            updated.push(id.to_owned());
        }
        let created = create_rules(
            &mut exec,
            &promotions,
            &promotion,
            &rule_type,
            &input["create"],
        )
        .await?;
        ctx.emit("promotion.updated", json!({ "id": promotion }));
        Ok(StepOutput::new(
            json!({ "created": created, "updated": updated, "deleted": deleted }),
        ))
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
                &method(json!({ "type": "percentage", "value": 10 })),
                true
            )
            .is_ok()
        );
        assert!(
            check(
                &standard,
                &method(json!({ "type": "percentage", "value": 120 })),
                true
            )
            .is_err()
        );
        assert!(
            check(
                &standard,
                &method(json!({ "type": "fixed", "value": 5 })),
                true
            )
            .is_err()
        );
        assert!(
            check(
                &standard,
                &method(json!({ "type": "fixed", "value": 5, "currency_code": "eur" })),
                true
            )
            .is_ok()
        );
        let complete = json!({ "type": "buyget", "application_method": {
            "buy_rules": [{ "attribute": "items.product.id", "operator": "in", "values": ["prod_1"] }],
            "target_rules": [{ "attribute": "items.product.id", "operator": "in", "values": ["prod_2"] }],
        } });
        let quantities = json!({ "type": "percentage", "value": 100,
                                 "buy_rules_min_quantity": 2, "apply_to_quantity": 1 });
        assert!(check(&complete, &method(quantities), true).is_ok());
        assert!(
            check(
                &complete,
                &method(json!({ "type": "percentage", "value": 100 })),
                true
            )
            .is_err(),
            "quantities are required"
        );
        let buyget = json!({ "type": "buyget" });
        assert!(
            check(
                &buyget,
                &method(json!({ "type": "percentage", "value": 10 })),
                true
            )
            .is_err()
        );
        let ruled = json!({ "type": "standard", "rules": [{ "attribute": "x" }] });
        assert!(
            check(
                &ruled,
                &method(json!({ "type": "percentage", "value": 10 })),
                true
            )
            .is_err(),
            "a rule without operator and values"
        );
        let ruled = json!({ "type": "standard", "rules": [{ "attribute": "region.id", "operator": "in", "values": ["reg_1"] }] });
        assert!(
            check(
                &ruled,
                &method(json!({ "type": "percentage", "value": 10 })),
                true
            )
            .is_ok()
        );
    }
}
