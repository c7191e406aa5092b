//! Region workflows behind `/admin/regions`: a region takes its countries
//! (each in one region at most), links its payment providers and, with
//! `is_tax_inclusive`, sets the region's price preference. Each is one step
//! in one transaction, so a refused country or provider leaves nothing
//! written; emits `region.created|updated|deleted`.

use serde_json::{Map, Value, json};

use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-regions";
pub const UPDATE: &str = "update-regions";
pub const DELETE: &str = "delete-regions";

/// Region columns a body may set.
const COLUMNS: &[&str] = &["name", "currency_code", "automatic_taxes", "metadata"];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-region", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-region", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-region", delete, None)),
    ]
}

fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("no {module} module")))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_lowercase))
        .collect()
}

fn columns(input: &Value) -> Row {
    let mut row: Row = COLUMNS
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
        .collect();
    if let Some(Value::String(code)) = row.get_mut("currency_code") {
        *code = code.to_lowercase();
    }
    row
}

/// Moves `codes` into `region` and every other country of it out.
async fn set_countries(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    region: &str,
    codes: &[String],
) -> Result<(), StepError> {
    let countries = svc(env, "region")?;
    let found = countries
        .list(
            exec,
            "country",
            &json!({ "iso_2": codes }),
            &FindOptions::default(),
        )
        .await?;
    let unknown: Vec<&String> = codes
        .iter()
        .filter(|c| {
            !found
                .iter()
                .any(|f| f["iso_2"].as_str() == Some(c.as_str()))
        })
        .collect();
    if !unknown.is_empty() {
        return Err(StepError::permanent(
            "invalid_data",
            format!("Countries with codes: \"{}\" do not exist", join(&unknown)),
        ));
    }
    let taken: Vec<String> = found
        .iter()
        .filter(|f| f["region_id"].as_str().is_some_and(|r| r != region))
        .filter_map(|f| f["iso_2"].as_str().map(str::to_owned))
        .collect();
    if !taken.is_empty() {
        return Err(StepError::permanent(
            "invalid_data",
            format!(
                "Countries with codes: \"{}\" are already assigned to a region",
                join(&taken.iter().collect::<Vec<_>>())
            ),
        ));
    }
    let release = json!({ "region_id": region });
    countries
        .update(
            exec,
            "country",
            &release,
            &row(json!({ "region_id": null })),
        )
        .await?;
    if !codes.is_empty() {
        countries
            .update(
                exec,
                "country",
                &json!({ "iso_2": codes }),
                &row(json!({ "region_id": region })),
            )
            .await?;
    }
    Ok(())
}

fn join(codes: &[&String]) -> String {
    codes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn row(value: Value) -> Row {
    value.as_object().cloned().unwrap_or_default()
}

/// Links exactly `providers` to `region`.
async fn set_providers(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    region: &str,
    providers: &[String],
) -> Result<(), StepError> {
    let payment = svc(env, "payment")?;
    for provider in providers {
        payment
            .retrieve(exec, "payment_provider", provider, None)
            .await
            .map_err(|_| {
                StepError::permanent(
                    "not_found",
                    format!("Payment providers with ids {provider} not found"),
                )
            })?;
    }
    let current = strings(
        links::list(exec, &env.registry, "region", region)
            .await
            .map_err(|e| StepError::new(e.to_string()))?
            .get("payment_provider")
            .unwrap_or(&Value::Null),
    );
    let refs = |ids: Vec<&String>| -> Vec<LinkRef> {
        ids.into_iter()
            .map(|p| LinkRef::new("region", region, "payment_provider", p))
            .collect()
    };
    let gone = current.iter().filter(|c| !providers.contains(c)).collect();
    let new = providers.iter().filter(|p| !current.contains(p)).collect();
    links::dismiss(exec, &env.registry, &refs(gone))
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    links::create(exec, &env.registry, &refs(new))
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    Ok(())
}

/// Countries, providers and tax inclusivity from a create or update body.
async fn apply_relations(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    region: &str,
    input: &Value,
) -> Result<(), StepError> {
    if input.get("countries").is_some_and(|c| !c.is_null()) {
        set_countries(exec, env, region, &strings(&input["countries"])).await?;
    }
    if input.get("payment_providers").is_some_and(|p| !p.is_null()) {
        set_providers(exec, env, region, &strings(&input["payment_providers"])).await?;
    }
    if let Some(inclusive) = input.get("is_tax_inclusive").and_then(Value::as_bool) {
        super::preferences::set(exec, env, "region_id", region, inclusive).await?;
    }
    Ok(())
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let mut exec = ctx.exec();
        let created = svc(&env, "region")?
            .create(&mut exec, "region", vec![columns(&input)])
            .await?;
        let id = created
            .first()
            .and_then(|r| r["id"].as_str())
            .unwrap_or_default()
            .to_owned();
        apply_relations(&mut exec, &env, &id, &input).await?;
        ctx.emit("region.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        let regions = svc(&env, "region")?;
        let changes: Map<String, Value> = columns(&input);
        if changes.is_empty() {
            regions.retrieve(&mut exec, "region", &id, None).await?;
        } else {
            regions
                .update_by_id(&mut exec, "region", &id, &changes)
                .await?;
        }
        apply_relations(&mut exec, &env, &id, &input).await?;
        ctx.emit("region.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        set_countries(&mut exec, &env, &id, &[]).await?;
        svc(&env, "region")?
            .soft_delete(&mut exec, "region", std::slice::from_ref(&id))
            .await?;
        ctx.emit("region.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}
