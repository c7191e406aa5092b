//! Auth identities: one per actor, with one provider identity per way of
//! proving it (here `emailpass`).

use sea_query::{Alias, Query};
use serde_json::{Value, json};

use super::password::hash_password;
use crate::db::{DbError, Transaction};
use crate::framework::id::generate_id;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("Identity with email already exists")]
    IdentityExists,
    #[error("password must not be empty")]
    EmptyPassword,
    #[error("cannot hash password: {0}")]
    Hash(String),
    #[error(transparent)]
    Db(DbError),
}

/// Creates an auth identity proven by email + password, whose `app_metadata`
/// links it to an actor (e.g. `{"user_id": "user_..."}`). Returns its id.
pub async fn create_emailpass_identity(
    tx: &mut Transaction,
    email: &str,
    password: &str,
    app_metadata: Value,
) -> Result<String, AuthError> {
    if password.is_empty() {
        return Err(AuthError::EmptyPassword);
    }
    let hash = hash_password(password).map_err(|e| AuthError::Hash(e.to_string()))?;
    let auth_identity_id = generate_id("authid");
    let build = |e: sea_query::error::Error| AuthError::Db(DbError::Build(e.to_string()));
    let identity = Query::insert()
        .into_table(Alias::new("auth_identity"))
        .columns([Alias::new("id"), Alias::new("app_metadata")])
        .values([auth_identity_id.clone().into(), app_metadata.into()])
        .map_err(build)?
        .to_owned();
    let provider = Query::insert()
        .into_table(Alias::new("provider_identity"))
        .columns([
            Alias::new("id"),
            Alias::new("entity_id"),
            Alias::new("provider"),
            Alias::new("auth_identity_id"),
            Alias::new("provider_metadata"),
        ])
        .values([
            generate_id("provid").into(),
            email.into(),
            "emailpass".into(),
            auth_identity_id.clone().into(),
            json!({ "password": hash }).into(),
        ])
        .map_err(build)?
        .to_owned();
    let map = |e| match e {
        DbError::UniqueViolation { .. } => AuthError::IdentityExists,
        e => AuthError::Db(e),
    };
    tx.execute(&identity).await.map_err(map)?;
    tx.execute(&provider).await.map_err(map)?;
    Ok(auth_identity_id)
}

/// An email + password identity as stored.
#[derive(Debug, Clone)]
pub struct EmailPassIdentity {
    pub auth_identity_id: String,
    pub password_hash: String,
    pub app_metadata: Value,
}

/// The `emailpass` identity of `email`, if any.
pub async fn find_emailpass(
    exec: &mut crate::db::Exec<'_>,
    email: &str,
) -> Result<Option<EmailPassIdentity>, DbError> {
    use crate::db::{ColumnKind, ColumnSpec};
    use sea_query::Expr;
    let mut select = Query::select();
    select
        .column((
            Alias::new("provider_identity"),
            Alias::new("auth_identity_id"),
        ))
        .column((
            Alias::new("provider_identity"),
            Alias::new("provider_metadata"),
        ))
        .column((Alias::new("auth_identity"), Alias::new("app_metadata")))
        .from(Alias::new("provider_identity"))
        .inner_join(
            Alias::new("auth_identity"),
            Expr::col((Alias::new("auth_identity"), Alias::new("id"))).equals((
                Alias::new("provider_identity"),
                Alias::new("auth_identity_id"),
            )),
        )
        .and_where(Expr::col((Alias::new("provider_identity"), Alias::new("entity_id"))).eq(email))
        .and_where(
            Expr::col((Alias::new("provider_identity"), Alias::new("provider"))).eq("emailpass"),
        )
        .and_where(
            Expr::col((Alias::new("provider_identity"), Alias::new("deleted_at"))).is_null(),
        );
    let spec = |name: &str, kind| ColumnSpec {
        name: name.to_owned(),
        kind,
    };
    let rows = exec
        .fetch(
            &select,
            &[
                spec("auth_identity_id", ColumnKind::Text),
                spec("provider_metadata", ColumnKind::Json),
                spec("app_metadata", ColumnKind::Json),
            ],
        )
        .await?;
    Ok(rows.into_iter().next().map(|r| EmailPassIdentity {
        auth_identity_id: r["auth_identity_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        password_hash: r["provider_metadata"]["password"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        app_metadata: r.get("app_metadata").cloned().unwrap_or(Value::Null),
    }))
}

/// The `app_metadata` of an auth identity.
pub async fn app_metadata(
    exec: &mut crate::db::Exec<'_>,
    auth_identity_id: &str,
) -> Result<Value, DbError> {
    use crate::db::{ColumnKind, ColumnSpec};
    use sea_query::Expr;
    let mut select = Query::select();
    select
        .column(Alias::new("app_metadata"))
        .from(Alias::new("auth_identity"))
        .and_where(Expr::col(Alias::new("id")).eq(auth_identity_id));
    let rows = exec
        .fetch(
            &select,
            &[ColumnSpec {
                name: "app_metadata".into(),
                kind: ColumnKind::Json,
            }],
        )
        .await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|mut r| r.remove("app_metadata"))
        .unwrap_or(Value::Null))
}

/// Replaces the `app_metadata` of an auth identity (links it to its actors).
pub async fn set_app_metadata(
    exec: &mut crate::db::Exec<'_>,
    auth_identity_id: &str,
    metadata: &Value,
) -> Result<(), DbError> {
    use sea_query::Expr;
    let encoded = crate::db::codec::encode(metadata, crate::db::ColumnKind::Json, exec.dialect())
        .map_err(|e| DbError::Build(e.to_string()))?;
    let mut update = Query::update();
    update
        .table(Alias::new("auth_identity"))
        .value(Alias::new("app_metadata"), encoded)
        .and_where(Expr::col(Alias::new("id")).eq(auth_identity_id));
    exec.execute(&update).await?;
    Ok(())
}

/// Creates an email + password identity not yet linked to an actor
/// (`POST /auth/{actor}/emailpass/register`); refuses a known email.
pub async fn register_emailpass(
    exec: &mut crate::db::Exec<'_>,
    email: &str,
    password: &str,
) -> Result<String, AuthError> {
    if find_emailpass(exec, email)
        .await
        .map_err(AuthError::Db)?
        .is_some()
    {
        return Err(AuthError::IdentityExists);
    }
    let crate::db::Exec::Tx(tx) = exec else {
        return Err(AuthError::Hash("registration needs a transaction".into()));
    };
    create_emailpass_identity(tx, email, password, serde_json::json!({})).await
}

/// The email (`entity_id`) an identity logs in with.
pub async fn identity_email(
    exec: &mut crate::db::Exec<'_>,
    auth_identity_id: &str,
) -> Result<Option<String>, DbError> {
    use crate::db::{ColumnKind, ColumnSpec};
    use sea_query::Expr;
    let mut select = Query::select();
    select
        .column(Alias::new("entity_id"))
        .from(Alias::new("provider_identity"))
        .and_where(Expr::col(Alias::new("auth_identity_id")).eq(auth_identity_id))
        .and_where(Expr::col(Alias::new("provider")).eq("emailpass"));
    let rows = exec
        .fetch(
            &select,
            &[ColumnSpec {
                name: "entity_id".into(),
                kind: ColumnKind::Text,
            }],
        )
        .await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r["entity_id"].as_str().map(str::to_owned)))
}
