//! Creates a back-office user and the email + password identity it logs in with,
//! in one transaction: either both exist afterwards or neither does.

use serde_json::json;

use crate::db::{Database, DbError};
use crate::modules::{auth, user};

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminUserError {
    #[error(transparent)]
    User(#[from] user::UserError),
    #[error(transparent)]
    Auth(#[from] auth::AuthError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Creates the user `email` with `password`; returns the user.
pub async fn create_admin_user(
    db: &Database,
    email: &str,
    password: &str,
) -> Result<user::User, CreateAdminUserError> {
    let mut tx = db.begin().await?;
    let created = user::create_user(
        &mut tx,
        user::NewUser {
            email: email.to_owned(),
            ..Default::default()
        },
    )
    .await?;
    auth::create_emailpass_identity(
        &mut tx,
        &created.email,
        password,
        json!({ "user_id": created.id }),
    )
    .await
    .map_err(|e| match e {
        auth::AuthError::IdentityExists => {
            CreateAdminUserError::User(user::UserError::Duplicate(created.email.clone()))
        }
        e => e.into(),
    })?;
    tx.commit().await?;
    Ok(created)
}
