//! `medusa db migrate`, `medusa db status` and `medusa seed`.

use super::CliError;
use super::progress::Progress;
use crate::config::Config;
use crate::db::{Database, MigrationState};

/// Creates the database if needed and applies pending migrations, with progress.
pub(super) async fn migrate_database(db: &Database) -> Result<usize, CliError> {
    let pending = db.pending_migrations().await?;
    if pending == 0 {
        return Ok(0);
    }
    let progress = Progress::new("migrate", pending as u64);
    let applied = db
        .migrate(|m| progress.step(&format!("{} {}", m.version, m.description)))
        .await?;
    progress.finish(&format!("{applied} migration(s) applied"));
    Ok(applied)
}

pub(super) async fn migrate(config: Config) -> Result<(), CliError> {
    let db = Database::connect(&config.database, true).await?;
    let applied = migrate_database(&db).await?;
    println!(
        "{applied} migration(s) applied; the database at {} is up to date",
        config.database.url
    );
    db.close().await;
    Ok(())
}

pub(super) async fn status(config: Config) -> Result<(), CliError> {
    let db = Database::connect(&config.database, false).await?;
    let migrations = db.migration_status().await?;
    db.close().await;
    println!("database: {}", config.database.url);
    for m in &migrations {
        let state = match m.state {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::Modified => "MODIFIED since applied",
        };
        println!("  {:<16} {:<40} {state}", m.version, m.description);
    }
    let pending = migrations
        .iter()
        .filter(|m| m.state != MigrationState::Applied)
        .count();
    if pending == 0 {
        println!("up to date");
        Ok(())
    } else {
        Err(CliError::MigrationsPending(pending))
    }
}

pub(super) async fn seed(config: Config) -> Result<(), CliError> {
    let db = Database::connect(&config.database, true).await?;
    migrate_database(&db).await?;
    let report = crate::seed::seed_demo_store(&db).await?;
    db.close().await;
    print!("{report}");
    Ok(())
}
