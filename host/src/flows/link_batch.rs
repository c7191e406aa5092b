//! `batch-links`: adds and removes links between one record and records of
//! another model (a stock location's sales channels or fulfillment
//! providers, a channel's products...), after checking that the record and
//! every added target exist. One step in one transaction.
//!
//! Input: `{from: {module, model, id}, to: {module, model}, add: [ids],
//! remove: [ids]}`.

use serde_json::{Value, json};

use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
};

pub const BATCH_LINKS: &str = "batch-links";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![WorkflowDef::new(BATCH_LINKS).step(StepDef::func("batch-links", batch, None))]
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn batch<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let (from, to) = (&input["from"], &input["to"]);
        let service = |module: &str| {
            env.registry
                .service(module)
                .ok_or_else(|| StepError::new(format!("no {module} module")))
        };
        let mut exec = ctx.exec();
        service(text(&from["module"]))?
            .retrieve(&mut exec, text(&from["model"]), text(&from["id"]), None)
            .await?;
        let targets = service(text(&to["module"]))?;
        let ids = |key: &str| -> Vec<String> {
            input[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        for id in ids("add") {
            targets
                .retrieve(&mut exec, text(&to["model"]), &id, None)
                .await?;
        }
        let refs = |list: Vec<String>| -> Vec<LinkRef> {
            list.iter()
                .map(|id| {
                    LinkRef::new(
                        text(&from["model"]),
                        text(&from["id"]),
                        text(&to["model"]),
                        id,
                    )
                })
                .collect()
        };
        links::dismiss(&mut exec, &env.registry, &refs(ids("remove")))
            .await
            .map_err(|e| StepError::new(e.to_string()))?;
        // Adding a pair already linked keeps one link.
        links::dismiss(&mut exec, &env.registry, &refs(ids("add")))
            .await
            .map_err(|e| StepError::new(e.to_string()))?;
        links::create(&mut exec, &env.registry, &refs(ids("add")))
            .await
            .map_err(|e| StepError::new(e.to_string()))?;
        Ok(StepOutput::new(json!({ "id": from["id"] })))
    })
}
