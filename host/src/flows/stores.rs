//! The store workflow behind `POST /admin/stores/:id`: its name, defaults and
//! supported currencies (replaced as a whole, exactly one the default, each
//! an ISO currency; `is_tax_inclusive` sets the currency's price preference).
//! One step in one transaction; emits `store.updated`.

use serde_json::{Value, json};

use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const UPDATE: &str = "update-stores";

const COLUMNS: &[&str] = &[
    "name",
    "default_sales_channel_id",
    "default_region_id",
    "default_location_id",
    "metadata",
];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![WorkflowDef::new(UPDATE).step(StepDef::func("update-store", update, None))]
}

fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("no {module} module")))
}

/// Checks a `supported_currencies` list: lower-case codes, one default.
fn currencies(list: &Value) -> Result<Vec<(String, bool, Option<bool>)>, StepError> {
    let items: Vec<(String, bool, Option<bool>)> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["currency_code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase(),
                c["is_default"] == true,
                c["is_tax_inclusive"].as_bool(),
            )
        })
        .collect();
    match items.iter().filter(|c| c.1).count() {
        0 => Err(StepError::permanent(
            "invalid_data",
            "There should be a default currency set for the store",
        )),
        1 => Ok(items),
        _ => Err(StepError::permanent(
            "invalid_data",
            "Only one default currency is allowed",
        )),
    }
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let stores = svc(&env, "store")?;
        let mut exec = ctx.exec();
        let changes: Row = COLUMNS
            .iter()
            .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
            .collect();
        if changes.is_empty() {
            stores.retrieve(&mut exec, "store", &id, None).await?;
        } else {
            stores
                .update_by_id(&mut exec, "store", &id, &changes)
                .await?;
        }
        if let Some(list) = input.get("supported_currencies").filter(|l| !l.is_null()) {
            let wanted = currencies(list)?;
            let codes: Vec<&str> = wanted.iter().map(|c| c.0.as_str()).collect();
            let known = svc(&env, "currency")?
                .list(
                    &mut exec,
                    "currency",
                    &json!({ "code": codes }),
                    &FindOptions::default(),
                )
                .await?;
            if let Some(unknown) = codes
                .iter()
                .find(|c| !known.iter().any(|k| k["code"].as_str() == Some(**c)))
            {
                return Err(StepError::permanent(
                    "invalid_data",
                    format!("Currency with code: {unknown} was not found"),
                ));
            }
            let old: Vec<String> = stores
                .list(
                    &mut exec,
                    "store_currency",
                    &json!({ "store_id": id }),
                    &FindOptions::default(),
                )
                .await?
                .into_iter()
                .filter_map(|r| r["id"].as_str().map(str::to_owned))
                .collect();
            stores.delete(&mut exec, "store_currency", &old).await?;
            let rows: Vec<Row> = wanted
                .iter()
                .filter_map(|(code, default, _)| {
                    json!({ "store_id": id, "currency_code": code, "is_default": default })
                        .as_object()
                        .cloned()
                })
                .collect();
            stores.create(&mut exec, "store_currency", rows).await?;
            for (code, _, inclusive) in &wanted {
                if let Some(inclusive) = inclusive {
                    super::preferences::set(&mut exec, &env, "currency_code", code, *inclusive)
                        .await?;
                }
            }
        }
        ctx.emit("store.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}
