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
