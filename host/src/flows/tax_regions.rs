//! Tax region workflows behind `/admin/tax-regions`: a country (or a province
//! under its country's region) taxed by the system provider, with an optional
//! default rate; deleting a region deletes its rates. One step in one
//! transaction; emits `tax-region.created|deleted`.

use serde_json::{Value, json};

use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-tax-regions";
pub const DELETE: &str = "delete-tax-regions";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-tax-region", create, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-tax-region", delete, None)),
    ]
}

fn svc(env: &WorkflowEnv) -> Result<ModuleService, StepError> {
    env.registry
        .service("tax")
        .ok_or_else(|| StepError::new("no tax module"))
}

fn row(value: Value) -> Row {
    value.as_object().cloned().unwrap_or_default()
}

fn lower(v: &Value) -> Value {
    v.as_str().map_or(Value::Null, |s| json!(s.to_lowercase()))
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let tax = svc(&env)?;
        let mut exec = ctx.exec();
        let country = lower(&input["country_code"]);
        let province = lower(&input["province_code"]);
        let existing = tax
            .list(
                &mut exec,
                "tax_region",
                &json!({ "country_code": country }),
                &FindOptions::default(),
            )
            .await?;
        if existing.iter().any(|r| r["province_code"] == province) {
            return Err(StepError::permanent(
                "invalid_data",
                format!(
                    "A tax region for {} already exists",
                    [country.as_str(), province.as_str()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("-")
                ),
            ));
        }
        let parent = match (&province, input["parent_id"].as_str()) {
            (Value::Null, _) => Value::Null,
            (_, Some(parent)) => json!(parent),
            _ => existing
                .iter()
                .find(|r| r["province_code"].is_null())
                .map(|r| r["id"].clone())
                .unwrap_or(Value::Null),
        };
        let created = tax
            .create(
                &mut exec,
                "tax_region",
                vec![row(json!({
                    "country_code": country, "province_code": province, "parent_id": parent,
                    "provider_id": input["provider_id"].as_str().unwrap_or("tp_system"),
                    "metadata": input["metadata"],
                }))],
            )
            .await?;
        let id = created
            .first()
            .and_then(|r| r["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        let rate = &input["default_tax_rate"];
        if rate.is_object() {
            tax.create(
                &mut exec,
                "tax_rate",
                vec![row(json!({
                    "rate": rate["rate"], "code": rate["code"], "name": rate["name"], "is_default": true,
                    "is_combinable": rate["is_combinable"] == true, "metadata": rate["metadata"],
                    "tax_region_id": id,
                }))],
            )
            .await?;
        }
        ctx.emit("tax-region.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let tax = svc(&env)?;
        let mut exec = ctx.exec();
        let rates: Vec<String> = tax
            .list(
                &mut exec,
                "tax_rate",
                &json!({ "tax_region_id": id }),
                &FindOptions::default(),
            )
            .await?
            .into_iter()
            .filter_map(|r| r["id"].as_str().map(str::to_owned))
            .collect();
        tax.soft_delete(&mut exec, "tax_rate", &rates).await?;
        tax.soft_delete(&mut exec, "tax_region", std::slice::from_ref(&id))
            .await?;
        ctx.emit("tax-region.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}
