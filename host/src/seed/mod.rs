//! The demo store `medusa develop` creates on an empty database and
//! `medusa seed` fills: a store with EUR and USD, regions Europe and United
//! States, a sales channel with a publishable key, a warehouse with stock,
//! standard and express shipping per region, tax rates, twelve products in
//! categories and collections, a promo code, and an admin user. Everything is
//! written in one transaction: a failed seed leaves nothing behind.

mod catalog;
mod defaults;
mod store_data;

pub use defaults::ensure_defaults;
pub use store_data::redact;

use std::fmt;

use crate::db::{Database, DbError, Exec};
use crate::flows::create_admin_user::{CreateAdminUserError, create_admin_user};
use crate::framework::data::ServiceError;
use crate::framework::links::LinkError;
use crate::framework::modules::Registry;
use crate::modules::user::UserError;

/// The demo admin's login, printed by `medusa develop`.
pub const DEMO_ADMIN_EMAIL: &str = "admin@medusa-test.com";
/// The demo admin's password (development only: `medusa start` never seeds).
pub const DEMO_ADMIN_PASSWORD: &str = "supersecret";
/// The demo promotion code (10% off items).
pub const DEMO_PROMO_CODE: &str = "WELCOME10";

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed: {0}")]
    Service(#[from] ServiceError),
    #[error("seed: {0}")]
    Link(#[from] LinkError),
    #[error("seed: {0}")]
    Db(#[from] DbError),
    #[error("seed: {0}")]
    Admin(String),
}

/// What the seed created, for the banner.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub admin_created: bool,
    /// The storefront's publishable key (new or existing).
    pub publishable_key: Option<String>,
    pub store_created: bool,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(key) = &self.publishable_key {
            writeln!(f, "publishable key: {key}")?;
        }
        writeln!(f, "admin login: {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}")?;
        writeln!(f, "promo code: {DEMO_PROMO_CODE}")?;
        if !self.admin_created {
            writeln!(f, "(the demo admin already existed)")?;
        }
        if !self.store_created {
            writeln!(f, "(the demo store already existed)")?;
        }
        Ok(())
    }
}

/// True when the database holds no store yet.
pub async fn is_empty(db: &Database, registry: &Registry) -> Result<bool, SeedError> {
    let store = registry
        .service("store")
        .ok_or_else(|| SeedError::Admin("no store module".into()))?;
    Ok(store
        .count(&mut Exec::Db(db), "store", &serde_json::Value::Null, false)
        .await?
        == 0)
}

/// Creates the demo store, skipping what exists.
pub async fn seed_demo_store(db: &Database, registry: &Registry) -> Result<SeedReport, SeedError> {
    let admin_created = match create_admin_user(db, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD).await {
        Ok(user) => {
            tracing::info!(user = %user.id, "seeded demo admin");
            true
        }
        Err(CreateAdminUserError::User(UserError::Duplicate(_))) => false,
        Err(other) => return Err(SeedError::Admin(other.to_string())),
    };
    let (store_created, publishable_key) = if is_empty(db, registry).await? {
        let mut tx = db.begin().await?;
        let key = store_data::seed(&mut Exec::Tx(&mut tx), registry).await?;
        tx.commit().await?;
        tracing::info!("seeded the demo store");
        (true, Some(key))
    } else {
        (false, store_data::existing_key(db, registry).await?)
    };
    Ok(SeedReport {
        admin_created,
        publishable_key,
        store_created,
    })
}
