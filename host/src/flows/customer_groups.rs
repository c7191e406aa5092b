//! `link-customers-to-customer-group`: adds customers to a group and removes
//! others (`{id, add, remove}`), after checking the group and every added
//! customer exist. One step in one transaction; emits
//! `customer-group.updated`.

use serde_json::{Value, json};

use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
};

pub const LINK_CUSTOMERS: &str = "link-customers-to-customer-group";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![WorkflowDef::new(LINK_CUSTOMERS).step(StepDef::func("link-customers", link, None))]
}

fn ids(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn link<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let group = input["id"].as_str().unwrap_or_default().to_owned();
        let customers = env
            .registry
            .service("customer")
            .ok_or_else(|| StepError::new("no customer module"))?;
        let mut exec = ctx.exec();
        customers
            .retrieve(&mut exec, "customer_group", &group, None)
            .await?;
        for id in ids(&input["add"]) {
            customers.retrieve(&mut exec, "customer", &id, None).await?;
        }
        let request = GraphRequest {
            entity: "customer_group".into(),
            fields: FieldTree::from_paths(["id", "customers.id"]),
            filters: json!({ "id": group }),
            ..Default::default()
        };
        let current = env
            .query
            .graph(&mut exec, &request)
            .await
            .map_err(|e| StepError::new(e.to_string()))?
            .data;
        let mut members: Vec<String> = current
            .first()
            .and_then(|g| g.get("customers"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect();
        let remove = ids(&input["remove"]);
        members.retain(|m| !remove.contains(m));
        for id in ids(&input["add"]) {
            if !members.contains(&id) {
                members.push(id);
            }
        }
        customers
            .set_related(&mut exec, "customer_group", "customers", &group, &members)
            .await?;
        ctx.emit("customer-group.updated", json!({ "id": group }));
        Ok(StepOutput::new(json!({ "id": group })))
    })
}
