//! Customer address workflows behind `/admin/customers/{id}/addresses`: add,
//! change and delete an address of a customer. An address made the default
//! for shipping (or billing) takes that role from the customer's other
//! addresses. One step in one transaction each; emits `customer.updated`.
//!
//! Inputs: create `{customer_id, address}`, update `{customer_id, id,
//! address}`, delete `{customer_id, id}`.

use serde_json::{Map, Value, json};

use crate::db::Exec;
use crate::framework::data::{ModuleService, Row};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE: &str = "create-customer-addresses";
pub const UPDATE: &str = "update-customer-addresses";
pub const DELETE: &str = "delete-customer-addresses";

/// Fields an address body may set.
pub const ADDRESS_FIELDS: &[&str] = &[
    "address_name",
    "is_default_shipping",
    "is_default_billing",
    "first_name",
    "last_name",
    "phone",
    "company",
    "address_1",
    "address_2",
    "city",
    "country_code",
    "province",
    "postal_code",
    "metadata",
];

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-customer-address", create, None)),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-customer-address", update, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-customer-address", delete, None)),
    ]
}

fn svc(env: &WorkflowEnv) -> Result<ModuleService, StepError> {
    env.registry
        .service("customer")
        .ok_or_else(|| StepError::new("no customer module"))
}

/// The address columns of a body, country codes in lower case.
fn address_row(body: &Value) -> Row {
    let mut row: Row = ADDRESS_FIELDS
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), body.get(*k)?.clone())))
        .collect();
    if let Some(Value::String(code)) = row.get_mut("country_code") {
        *code = code.to_lowercase();
    }
    row
}

/// Takes the default roles `row` claims from the customer's other addresses.
async fn release_defaults(
    exec: &mut Exec<'_>,
    customers: &ModuleService,
    customer: &str,
    row: &Row,
) -> Result<(), StepError> {
    for role in ["is_default_shipping", "is_default_billing"] {
        if row.get(role) == Some(&Value::Bool(true)) {
            let changes: Map<String, Value> =
                [(role.to_owned(), json!(false))].into_iter().collect();
            customers
                .update(
                    exec,
                    "customer_address",
                    &json!({ "customer_id": customer, role: true }),
                    &changes,
                )
                .await?;
        }
    }
    Ok(())
}

/// The address `id`, checked to be `customer`'s.
async fn owned(
    exec: &mut Exec<'_>,
    customers: &ModuleService,
    customer: &str,
    id: &str,
) -> Result<(), StepError> {
    let row = customers
        .retrieve(exec, "customer_address", id, None)
        .await?;
    if row.get("customer_id").and_then(Value::as_str) != Some(customer) {
        return Err(StepError::permanent(
            "not_found",
            format!("Address with id: {id} was not found"),
        ));
    }
    Ok(())
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let customer = input["customer_id"].as_str().unwrap_or_default().to_owned();
        let customers = svc(&env)?;
        let mut row = address_row(&input["address"]);
        let id = {
            let mut exec = ctx.exec();
            customers
                .retrieve(&mut exec, "customer", &customer, None)
                .await?;
            release_defaults(&mut exec, &customers, &customer, &row).await?;
            row.insert("customer_id".into(), json!(customer));
            let created = customers
                .create(&mut exec, "customer_address", vec![row])
                .await?;
            created.first().map(|a| a["id"].clone()).unwrap_or_default()
        };
        ctx.emit("customer.updated", json!({ "id": customer }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let customer = input["customer_id"].as_str().unwrap_or_default().to_owned();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let customers = svc(&env)?;
        let row = address_row(&input["address"]);
        {
            let mut exec = ctx.exec();
            owned(&mut exec, &customers, &customer, &id).await?;
            release_defaults(&mut exec, &customers, &customer, &row).await?;
            if !row.is_empty() {
                customers
                    .update_by_id(&mut exec, "customer_address", &id, &row)
                    .await?;
            }
        }
        ctx.emit("customer.updated", json!({ "id": customer }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let customer = input["customer_id"].as_str().unwrap_or_default().to_owned();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let customers = svc(&env)?;
        {
            let mut exec = ctx.exec();
            owned(&mut exec, &customers, &customer, &id).await?;
            customers
                .delete(&mut exec, "customer_address", std::slice::from_ref(&id))
                .await?;
        }
        ctx.emit("customer.updated", json!({ "id": customer }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_row_keeps_known_fields_with_a_lower_case_country() {
        let row = address_row(&json!({ "city": "Berlin", "country_code": "DE", "colour": "red" }));
        assert_eq!(row.get("country_code"), Some(&json!("de")));
        assert_eq!(row.get("city"), Some(&json!("Berlin")));
        assert!(!row.contains_key("colour"));
    }
}
