//! `medusa user create`.

use super::CliError;
use crate::config::Config;
use crate::db::Database;
use crate::flows::create_admin_user::create_admin_user;

pub(super) async fn create(config: Config, email: &str, password: &str) -> Result<(), CliError> {
    let db = Database::connect(&config.database, false).await?;
    let pending = db.pending_migrations().await?;
    let result = if pending > 0 {
        Err(CliError::PendingMigrations { pending })
    } else {
        create_admin_user(&db, email, password)
            .await
            .map_err(CliError::from)
    };
    db.close().await;
    let user = result?;
    println!("created user {} ({})", user.email, user.id);
    Ok(())
}
