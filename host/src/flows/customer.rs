//! `create-customer-account`: a registered identity becomes a customer with
//! an account (customer module), and the identity is linked to it (auth
//! module), compensated together.

use serde_json::{Value, json};

use crate::framework::data::FindOptions;
use crate::framework::workflows::{
    CompensateContext, StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
};
use crate::modules::auth;

pub const CREATE_CUSTOMER_ACCOUNT: &str = "create-customer-account";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE_CUSTOMER_ACCOUNT)
            .step(StepDef::func(
                "create-customer",
                create_customer,
                Some(delete_customer),
            ))
            .step(StepDef::func(
                "link-auth-identity",
                link_identity,
                Some(unlink_identity),
            ))
            .returns("create-customer"),
    ]
}

fn service(
    ctx_env: &crate::framework::workflows::WorkflowEnv,
) -> Result<crate::framework::data::ModuleService, StepError> {
    ctx_env
        .registry
        .service("customer")
        .ok_or_else(|| StepError::new("no customer module"))
}

fn create_customer<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let email = input["email"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        let customers = service(&env)?;
        let mut exec = ctx.exec();
        let existing = customers
            .list(
                &mut exec,
                "customer",
                &json!({ "email": email, "has_account": true }),
                &FindOptions::default(),
            )
            .await?;
        if !existing.is_empty() {
            return Err(StepError::permanent(
                "invalid_data",
                "Customer with this email already has an account",
            ));
        }
        let mut row = serde_json::Map::new();
        for key in [
            "first_name",
            "last_name",
            "phone",
            "company_name",
            "metadata",
        ] {
            if let Some(v) = input.get(key).filter(|v| !v.is_null()) {
                row.insert(key.to_owned(), v.clone());
            }
        }
        row.insert("email".into(), json!(email));
        row.insert("has_account".into(), json!(true));
        let customer = customers
            .create(&mut exec, "customer", vec![row])
            .await?
            .remove(0);
        Ok(StepOutput::new(Value::Object(customer.clone()))
            .compensate_with(json!({ "id": customer["id"] })))
    })
}

fn delete_customer<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.data()["id"].as_str().unwrap_or_default().to_owned();
        service(&env)?
            .delete(&mut ctx.exec(), "customer", &[id])
            .await?;
        Ok(())
    })
}

fn link_identity<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let identity = ctx.input()["auth_identity_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let customer_id = ctx
            .result("create-customer")
            .map(|c| c["id"].clone())
            .unwrap_or(Value::Null);
        let mut exec = ctx.exec();
        let before = auth::app_metadata(&mut exec, &identity).await?;
        let mut after = match &before {
            Value::Object(m) => m.clone(),
            _ => serde_json::Map::new(),
        };
        after.insert("customer_id".into(), customer_id);
        auth::set_app_metadata(&mut exec, &identity, &Value::Object(after)).await?;
        Ok(StepOutput::new(Value::Null)
            .compensate_with(json!({ "identity": identity, "before": before })))
    })
}

fn unlink_identity<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let data = ctx.data().clone();
        auth::set_app_metadata(
            &mut ctx.exec(),
            data["identity"].as_str().unwrap_or_default(),
            &data["before"],
        )
        .await?;
        Ok(())
    })
}
