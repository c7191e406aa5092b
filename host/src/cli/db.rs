//! `medusa db migrate`, `medusa db status` and `medusa seed`.

use super::CliError;
use super::progress::Progress;
use crate::config::Config;
use crate::db::{Database, MigrationState};
use crate::runtime::Runtime;

/// Applies pending core migrations (with progress), then module and link tables.
pub(super) async fn migrate_database(
    db: &Database,
    runtime: &Runtime,
    allow_destructive: bool,
) -> Result<usize, CliError> {
    let core = migrate_core(db).await?;
    let modules = runtime.migrate(db, allow_destructive).await?;
    if modules > 0 {
        tracing::info!(changes = modules, "module tables migrated");
    }
    Ok(core + modules)
}

async fn migrate_core(db: &Database) -> Result<usize, CliError> {
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

pub(super) async fn migrate(config: Config, allow_destructive: bool) -> Result<(), CliError> {
    let db = Database::connect(&config.database, true).await?;
    let runtime = crate::runtime::assemble(&config, &db).await?;
    let applied = migrate_database(&db, &runtime, allow_destructive).await;
    let applied = match applied {
        Ok(n) => n,
        Err(e) => {
            db.close().await;
            return Err(e);
        }
    };
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
    let core_done = migrations
        .iter()
        .all(|m| m.state == MigrationState::Applied);
    let module_changes = if core_done {
        let runtime = crate::runtime::assemble(&config, &db).await?;
        crate::framework::modules::pending_module_changes(&db, &runtime.registry).await?
    } else {
        Vec::new()
    };
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
    for change in &module_changes {
        println!("  {:<16} {change:<40} pending", "module");
    }
    let pending = migrations
        .iter()
        .filter(|m| m.state != MigrationState::Applied)
        .count()
        + module_changes.len();
    if pending == 0 {
        println!("up to date");
        Ok(())
    } else {
        Err(CliError::MigrationsPending(pending))
    }
}

pub(super) async fn seed(config: Config) -> Result<(), CliError> {
    let db = Database::connect(&config.database, true).await?;
    let runtime = crate::runtime::assemble(&config, &db).await?;
    migrate_database(&db, &runtime, false).await?;
    let report = crate::seed::seed_demo_store(&db, &runtime.registry).await?;
    crate::seed::ensure_defaults(&db, &runtime.registry).await?;
    db.close().await;
    print!("{report}");
    Ok(())
}
