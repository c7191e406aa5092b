//! API key workflows behind `/admin/api-keys`: create (publishable `pk_…`
//! kept as is, secret `sk_…` kept as a SHA-256 digest and shown once),
//! update, revoke, delete (revoked keys only) and sales-channel links
//! (publishable keys only), each compensated.

use serde_json::{Map, Value, json};

use crate::framework::data::ModuleService;
use crate::framework::id::random_hex;
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    CompensateContext, StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
    WorkflowEnv,
};
use crate::modules::api_key::secret_digest;
use crate::seed::redact;

pub const CREATE: &str = "create-api-keys";
pub const UPDATE: &str = "update-api-keys";
pub const REVOKE: &str = "revoke-api-keys";
pub const DELETE: &str = "delete-api-keys";
pub const LINK_SALES_CHANNELS: &str = "link-sales-channels-to-api-key";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-api-key", create, Some(undo_create))),
        WorkflowDef::new(UPDATE).step(StepDef::func("update-api-key", update, Some(restore))),
        WorkflowDef::new(REVOKE).step(StepDef::func("revoke-api-key", revoke, Some(restore))),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-api-key", delete, Some(undelete))),
        WorkflowDef::new(LINK_SALES_CHANNELS).step(StepDef::func(
            "link-sales-channels",
            link_channels,
            Some(unlink_channels),
        )),
    ]
}

fn service(env: &WorkflowEnv) -> Result<ModuleService, StepError> {
    env.registry
        .service("api_key")
        .ok_or_else(|| StepError::new("no api_key module"))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let kind = text(&input["type"]);
        let prefix = match kind.as_str() {
            "publishable" => "pk",
            "secret" => "sk",
            other => {
                return Err(StepError::permanent(
                    "invalid_data",
                    format!(
                        "Invalid request: Field 'type' must be publishable or secret, not {other:?}"
                    ),
                ));
            }
        };
        let token = format!("{prefix}_{}", random_hex(32));
        let stored = if kind == "secret" {
            secret_digest(&token)
        } else {
            token.clone()
        };
        let row: Map<String, Value> = json!({
            "title": input["title"], "type": kind, "token": stored, "redacted": redact(&token),
            "created_by": input["created_by"],
        })
        .as_object()
        .cloned()
        .unwrap_or_default();
        let mut created = service(&env)?
            .create(&mut ctx.exec(), "api_key", vec![row])
            .await?
            .remove(0);
        let id = created.get("id").cloned().unwrap_or(Value::Null);
        // The one time a secret key is shown in full.
        created.insert("token".into(), Value::String(token));
        Ok(StepOutput::new(Value::Object(created)).compensate_with(json!({ "id": id })))
    })
}

fn undo_create<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let id = text(&ctx.data()["id"]);
        service(&env)?
            .delete(&mut ctx.exec(), "api_key", &[id])
            .await?;
        Ok(())
    })
}

/// Applies `changes` to key `input.id`; compensation puts the old values back.
async fn change(
    ctx: &mut StepContext,
    changes: Map<String, Value>,
) -> Result<StepOutput, StepError> {
    let env = ctx.env();
    let id = text(&ctx.input()["id"]);
    let svc = service(&env)?;
    let mut exec = ctx.exec();
    let before = svc.retrieve(&mut exec, "api_key", &id, None).await?;
    let previous: Map<String, Value> = changes
        .keys()
        .map(|k| (k.clone(), before.get(k).cloned().unwrap_or(Value::Null)))
        .collect();
    let after = svc
        .update_by_id(&mut exec, "api_key", &id, &changes)
        .await?;
    Ok(StepOutput::new(Value::Object(after))
        .compensate_with(json!({ "id": id, "previous": previous })))
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let title = ctx.input()["title"].clone();
        change(ctx, [("title".to_owned(), title)].into_iter().collect()).await
    })
}

fn revoke<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let input = ctx.input().clone();
        let after = input["revoke_in"].as_i64().unwrap_or(0).max(0);
        let at = chrono::Utc::now() + chrono::Duration::seconds(after);
        let changes = json!({
            "revoked_at": crate::db::codec::format_timestamp(at),
            "revoked_by": input["revoked_by"],
        });
        change(ctx, changes.as_object().cloned().unwrap_or_default()).await
    })
}

fn restore<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let previous = data["previous"].as_object().cloned().unwrap_or_default();
        service(&env)?
            .update_by_id(&mut ctx.exec(), "api_key", &text(&data["id"]), &previous)
            .await?;
        Ok(())
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = text(&ctx.input()["id"]);
        let svc = service(&env)?;
        let mut exec = ctx.exec();
        let key = svc.retrieve(&mut exec, "api_key", &id, None).await?;
        let now = crate::db::codec::format_timestamp(chrono::Utc::now());
        let revoked = key
            .get("revoked_at")
            .and_then(Value::as_str)
            .is_some_and(|at| at <= now.as_str());
        if !revoked {
            return Err(StepError::permanent(
                "not_allowed",
                format!("Cannot delete api keys that are not revoked - {id}"),
            ));
        }
        svc.soft_delete(&mut exec, "api_key", std::slice::from_ref(&id))
            .await?;
        Ok(StepOutput::new(json!({ "id": id })).compensate_with(json!({ "id": id })))
    })
}

fn undelete<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let id = text(&ctx.data()["id"]);
        service(&env)?
            .restore(&mut ctx.exec(), "api_key", &[id])
            .await?;
        Ok(())
    })
}

fn refs(key: &str, channels: &Value) -> Vec<LinkRef> {
    channels
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|sc| LinkRef::new("api_key", key, "sales_channel", sc))
        .collect()
}

fn link_error(e: links::LinkError) -> StepError {
    StepError::new(e.to_string())
}

fn link_channels<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = text(&input["id"]);
        let mut exec = ctx.exec();
        let key = service(&env)?
            .retrieve(&mut exec, "api_key", &id, None)
            .await?;
        if key.get("type").and_then(Value::as_str) != Some("publishable") {
            return Err(StepError::permanent(
                "invalid_data",
                "Sales channels can only be associated with publishable API keys",
            ));
        }
        let channels = env
            .registry
            .service("sales_channel")
            .ok_or_else(|| StepError::new("no sales_channel module"))?;
        for sc in input["add"].as_array().into_iter().flatten() {
            channels
                .retrieve(
                    &mut exec,
                    "sales_channel",
                    sc.as_str().unwrap_or_default(),
                    None,
                )
                .await?;
        }
        links::create(&mut exec, &env.registry, &refs(&id, &input["add"]))
            .await
            .map_err(link_error)?;
        links::dismiss(&mut exec, &env.registry, &refs(&id, &input["remove"]))
            .await
            .map_err(link_error)?;
        Ok(StepOutput::new(json!({ "id": id }))
            .compensate_with(json!({ "id": id, "add": input["add"], "remove": input["remove"] })))
    })
}

fn unlink_channels<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let id = text(&data["id"]);
        let mut exec = ctx.exec();
        links::dismiss(&mut exec, &env.registry, &refs(&id, &data["add"]))
            .await
            .map_err(link_error)?;
        links::create(&mut exec, &env.registry, &refs(&id, &data["remove"]))
            .await
            .map_err(link_error)?;
        Ok(())
    })
}
