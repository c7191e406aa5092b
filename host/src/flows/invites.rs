//! Back-office membership workflows: invite someone by email, renew or
//! delete an invite, accept one (the registered email + password identity
//! becomes a new user), update and delete users. One step in one transaction
//! each; emits `invite.created|resent|deleted|accepted`, `user.created`,
//! `user.updated` and `user.deleted`.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
};
use crate::modules::{auth, user};

pub const CREATE: &str = "create-invites";
pub const RESEND: &str = "refresh-invite-tokens";
pub const DELETE: &str = "delete-invites";
pub const ACCEPT: &str = "accept-invite";
pub const UPDATE_USER: &str = "update-users";
pub const DELETE_USER: &str = "delete-users";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE).step(StepDef::func("create-invite", create, None)),
        WorkflowDef::new(RESEND).step(StepDef::func("refresh-invite-token", resend, None)),
        WorkflowDef::new(DELETE).step(StepDef::func("delete-invite", delete, None)),
        WorkflowDef::new(ACCEPT).step(StepDef::func("accept-invite", accept, None)),
        WorkflowDef::new(UPDATE_USER).step(StepDef::func("update-user", update_user, None)),
        WorkflowDef::new(DELETE_USER).step(StepDef::func("delete-user", delete_user, None)),
    ]
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn invalid(message: impl Into<String>) -> StepError {
    StepError::permanent("invalid_data", message)
}

fn db(e: crate::db::DbError) -> StepError {
    StepError::new(e.to_string())
}

async fn invite(exec: &mut Exec<'_>, id: &str) -> Result<Value, StepError> {
    user::find_invite(exec, "id", id)
        .await
        .map_err(db)?
        .ok_or_else(|| {
            StepError::permanent("not_found", format!("Invite with id: {id} was not found"))
        })
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let input = ctx.input().clone();
        let email =
            user::normalize_email(&text(&input["email"])).map_err(|e| invalid(e.to_string()))?;
        let mut exec = ctx.exec();
        if user::find_user_by_email(&mut exec, &email)
            .await
            .map_err(db)?
            .is_some()
        {
            return Err(invalid(format!("A user with email {email} already exists")));
        }
        let created = user::create_invite(&mut exec, &email, input["metadata"].clone())
            .await
            .map_err(db)?
            .ok_or_else(|| invalid(format!("An invite for {email} already exists")))?;
        ctx.emit("invite.created", json!({ "id": created["id"] }));
        Ok(StepOutput::new(created))
    })
}

fn resend<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let id = text(&ctx.input()["id"]);
        let mut exec = ctx.exec();
        invite(&mut exec, &id).await?;
        user::renew_invite(&mut exec, &id).await.map_err(db)?;
        ctx.emit("invite.resent", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let id = text(&ctx.input()["id"]);
        let mut exec = ctx.exec();
        invite(&mut exec, &id).await?;
        user::delete_invite(&mut exec, &id).await.map_err(db)?;
        ctx.emit("invite.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn accept<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let input = ctx.input().clone();
        let identity = text(&input["auth_identity_id"]);
        let mut exec = ctx.exec();
        let found = user::find_invite(&mut exec, "token", &text(&input["token"]))
            .await
            .map_err(db)?
            .ok_or_else(|| invalid("The invite token is invalid"))?;
        let now = crate::db::codec::format_timestamp(chrono::Utc::now());
        if found["accepted"] == true {
            return Err(invalid("The invite has already been accepted"));
        }
        if found["expires_at"]
            .as_str()
            .is_some_and(|at| at <= now.as_str())
        {
            return Err(invalid("The invite has expired"));
        }
        let mut metadata = auth::app_metadata(&mut exec, &identity).await.map_err(db)?;
        if metadata["user_id"].as_str().is_some_and(|u| !u.is_empty()) {
            return Err(invalid("This identity already belongs to a user"));
        }
        let Exec::Tx(tx) = &mut exec else {
            return Err(StepError::new("accepting an invite needs a transaction"));
        };
        let created = user::create_user(
            tx,
            user::NewUser {
                email: text(&found["email"]),
                first_name: input["first_name"].as_str().map(str::to_owned),
                last_name: input["last_name"].as_str().map(str::to_owned),
            },
        )
        .await
        .map_err(|e| invalid(e.to_string()))?;
        if !metadata.is_object() {
            metadata = json!({});
        }
        metadata["user_id"] = json!(created.id);
        auth::set_app_metadata(&mut exec, &identity, &metadata)
            .await
            .map_err(db)?;
        let invite_id = text(&found["id"]);
        user::update_invite(&mut exec, &invite_id, json!({ "accepted": true }))
            .await
            .map_err(db)?;
        user::delete_invite(&mut exec, &invite_id)
            .await
            .map_err(db)?;
        ctx.emit("invite.accepted", json!({ "id": invite_id }));
        ctx.emit("user.created", json!({ "id": created.id }));
        Ok(StepOutput::new(json!({ "id": created.id })))
    })
}

fn update_user<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let input = ctx.input().clone();
        let id = text(&input["id"]);
        let mut exec = ctx.exec();
        let changes: serde_json::Map<String, Value> =
            ["first_name", "last_name", "avatar_url", "metadata"]
                .iter()
                .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
                .collect();
        user::update_user(&mut exec, &id, Value::Object(changes))
            .await
            .map_err(db)?;
        ctx.emit("user.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete_user<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let id = text(&ctx.input()["id"]);
        let mut exec = ctx.exec();
        let now = crate::db::table::now_value();
        user::update_user(&mut exec, &id, json!({ "deleted_at": now }))
            .await
            .map_err(db)?;
        ctx.emit("user.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}
