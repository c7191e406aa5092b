//! The demo store `medusa develop` creates on an empty database and
//! `medusa seed` (re)fills: each part is skipped when it already exists.

use std::fmt;

use crate::db::{Database, DbError};
use crate::flows::create_admin_user::{CreateAdminUserError, create_admin_user};
use crate::modules::user::{UserError, count_users};

/// The demo admin's login, printed by `medusa develop`.
pub const DEMO_ADMIN_EMAIL: &str = "admin@medusa-test.com";
/// The demo admin's password (development only: `medusa start` never seeds).
pub const DEMO_ADMIN_PASSWORD: &str = "supersecret";

/// What the seed created, for the banner.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub admin_created: bool,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "admin login: {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}")?;
        if !self.admin_created {
            writeln!(f, "(the demo admin already existed)")?;
        }
        Ok(())
    }
}

/// True when the database holds no store data yet.
pub async fn is_empty(db: &Database) -> Result<bool, DbError> {
    let mut tx = db.begin().await?;
    let users = count_users(&mut tx).await?;
    tx.commit().await?;
    Ok(users == 0)
}

/// Creates the demo store, skipping what exists.
pub async fn seed_demo_store(db: &Database) -> Result<SeedReport, DbError> {
    let admin_created = match create_admin_user(db, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD).await {
        Ok(user) => {
            tracing::info!(user = %user.id, "seeded demo admin");
            true
        }
        Err(CreateAdminUserError::User(UserError::Duplicate(_))) => false,
        Err(CreateAdminUserError::Db(e) | CreateAdminUserError::User(UserError::Db(e))) => {
            return Err(e);
        }
        Err(other) => return Err(DbError::Build(other.to_string())),
    };
    Ok(SeedReport { admin_created })
}
