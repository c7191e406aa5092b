//! Create / update / delete workflows for the admin's plain records (one
//! model of one module, no side effects beyond its own row): each a single
//! compensated step that emits `<event>.created|updated|deleted` with the ids.
//!
//! Workflow ids follow Medusa's: `create-<name>`, `update-<name>`,
//! `delete-<name>`, where `<name>` is the plural (`sales-channels`).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::framework::data::ModuleService;
use crate::framework::workflows::{
    CompensateContext, StepContext, StepDef, StepError, StepFuture, StepHandler, StepOutput,
    WorkflowDef, WorkflowEnv,
};

/// A record kind managed with plain CRUD.
#[derive(Debug)]
pub struct CrudEntity {
    /// Plural, kebab-case: names the workflows.
    pub name: &'static str,
    pub module: &'static str,
    pub model: &'static str,
    /// Event prefix (`sales-channel` emits `sales-channel.created`).
    pub event: &'static str,
}

pub const SALES_CHANNELS: CrudEntity = CrudEntity {
    name: "sales-channels",
    module: "sales_channel",
    model: "sales_channel",
    event: "sales-channel",
};
pub const CUSTOMER_GROUPS: CrudEntity = CrudEntity {
    name: "customer-groups",
    module: "customer",
    model: "customer_group",
    event: "customer-group",
};
pub const PRODUCT_COLLECTIONS: CrudEntity = CrudEntity {
    name: "collections",
    module: "product",
    model: "product_collection",
    event: "product-collection",
};
pub const PRODUCT_TAGS: CrudEntity = CrudEntity {
    name: "product-tags",
    module: "product",
    model: "product_tag",
    event: "product-tag",
};
pub const PRODUCT_TYPES: CrudEntity = CrudEntity {
    name: "product-types",
    module: "product",
    model: "product_type",
    event: "product-type",
};
pub const SHIPPING_PROFILES: CrudEntity = CrudEntity {
    name: "shipping-profiles",
    module: "fulfillment",
    model: "shipping_profile",
    event: "shipping-profile",
};
pub const PRICE_PREFERENCES: CrudEntity = CrudEntity {
    name: "price-preferences",
    module: "pricing",
    model: "price_preference",
    event: "price-preference",
};

pub const PRODUCT_CATEGORIES: CrudEntity = CrudEntity {
    name: "product-categories",
    module: "product",
    model: "product_category",
    event: "product-category",
};
pub const CUSTOMERS: CrudEntity = CrudEntity {
    name: "customers",
    module: "customer",
    model: "customer",
    event: "customer",
};
pub const TAX_RATES: CrudEntity = CrudEntity {
    name: "tax-rates",
    module: "tax",
    model: "tax_rate",
    event: "tax-rate",
};
pub const CAMPAIGNS: CrudEntity = CrudEntity {
    name: "campaigns",
    module: "promotion",
    model: "campaign",
    event: "campaign",
};

/// Every plain record kind.
pub const ENTITIES: &[&CrudEntity] = &[
    &PRODUCT_CATEGORIES,
    &CUSTOMERS,
    &TAX_RATES,
    &CAMPAIGNS,
    &SALES_CHANNELS,
    &CUSTOMER_GROUPS,
    &PRODUCT_COLLECTIONS,
    &PRODUCT_TAGS,
    &PRODUCT_TYPES,
    &SHIPPING_PROFILES,
    &PRICE_PREFERENCES,
];

impl CrudEntity {
    pub fn create_workflow(&self) -> String {
        format!("create-{}", self.name)
    }
    pub fn update_workflow(&self) -> String {
        format!("update-{}", self.name)
    }
    pub fn delete_workflow(&self) -> String {
        format!("delete-{}", self.name)
    }
}

/// The three workflows of every entity in [`ENTITIES`].
pub fn workflows() -> Vec<WorkflowDef> {
    ENTITIES
        .iter()
        .flat_map(|entity| {
            [Op::Create, Op::Update, Op::Delete].map(|op| {
                let (workflow, step) = match op {
                    Op::Create => (entity.create_workflow(), "create"),
                    Op::Update => (entity.update_workflow(), "update"),
                    Op::Delete => (entity.delete_workflow(), "delete"),
                };
                let handler = Arc::new(CrudStep { entity, op });
                WorkflowDef::new(&workflow)
                    .step(StepDef::new(&format!("{step}-{}", entity.name), handler))
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// Input `{data: [rows]}`; output the created rows.
    Create,
    /// Input `{id, data}`; output the updated row.
    Update,
    /// Input `{ids}`; output `{ids}`.
    Delete,
}

struct CrudStep {
    entity: &'static CrudEntity,
    op: Op,
}

fn service(env: &WorkflowEnv, entity: &CrudEntity) -> Result<ModuleService, StepError> {
    env.registry
        .service(entity.module)
        .ok_or_else(|| StepError::new(format!("no {} module", entity.module)))
}

fn ids(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn rows(value: &Value) -> Vec<Map<String, Value>> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_object().cloned())
            .collect(),
        Value::Object(one) => vec![one.clone()],
        _ => Vec::new(),
    }
}

impl CrudStep {
    async fn run(&self, ctx: &mut StepContext) -> Result<StepOutput, StepError> {
        let env = ctx.env();
        let svc = service(&env, self.entity)?;
        let model = self.entity.model;
        let input = ctx.input().clone();
        match self.op {
            Op::Create => {
                let created = svc
                    .create(&mut ctx.exec(), model, rows(&input["data"]))
                    .await?;
                let ids: Vec<Value> = created.iter().map(|r| r["id"].clone()).collect();
                for id in &ids {
                    ctx.emit(
                        &format!("{}.created", self.entity.event),
                        json!({ "id": id }),
                    );
                }
                let out = Value::Array(created.into_iter().map(Value::Object).collect());
                Ok(StepOutput::new(out).compensate_with(json!({ "ids": ids })))
            }
            Op::Update => {
                let id = input["id"].as_str().unwrap_or_default().to_owned();
                let changes = input["data"].as_object().cloned().unwrap_or_default();
                let mut exec = ctx.exec();
                let before = svc.retrieve(&mut exec, model, &id, None).await?;
                let previous: Map<String, Value> = changes
                    .keys()
                    .map(|k| (k.clone(), before.get(k).cloned().unwrap_or(Value::Null)))
                    .collect();
                let after = svc.update_by_id(&mut exec, model, &id, &changes).await?;
                ctx.emit(
                    &format!("{}.updated", self.entity.event),
                    json!({ "id": id }),
                );
                Ok(StepOutput::new(Value::Object(after))
                    .compensate_with(json!({ "id": id, "previous": previous })))
            }
            Op::Delete => {
                let ids = ids(&input["ids"]);
                svc.soft_delete(&mut ctx.exec(), model, &ids).await?;
                for id in &ids {
                    ctx.emit(
                        &format!("{}.deleted", self.entity.event),
                        json!({ "id": id }),
                    );
                }
                Ok(StepOutput::new(json!({ "ids": ids })).compensate_with(json!({ "ids": ids })))
            }
        }
    }

    async fn undo(&self, ctx: &mut CompensateContext) -> Result<(), StepError> {
        let env = ctx.env();
        let svc = service(&env, self.entity)?;
        let model = self.entity.model;
        let data = ctx.data().clone();
        let mut exec = ctx.exec();
        match self.op {
            Op::Create => {
                svc.delete(&mut exec, model, &ids(&data["ids"])).await?;
            }
            Op::Update => {
                let previous = data["previous"].as_object().cloned().unwrap_or_default();
                let id = data["id"].as_str().unwrap_or_default();
                svc.update_by_id(&mut exec, model, id, &previous).await?;
            }
            Op::Delete => {
                svc.restore(&mut exec, model, &ids(&data["ids"])).await?;
            }
        }
        Ok(())
    }
}

impl StepHandler for CrudStep {
    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
        Box::pin(self.run(ctx))
    }

    fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        Box::pin(self.undo(ctx))
    }
}
