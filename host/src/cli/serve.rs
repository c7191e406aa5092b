//! `medusa develop` and `medusa start`: prepare the database, check services,
//! then serve until SIGTERM or Ctrl-C.

use std::time::Duration;

use tokio::net::TcpListener;

use super::CliError;
use super::db::migrate_database;
use crate::app::AppState;
use crate::config::{Config, DEFAULT_SECRET};
use crate::db::Database;
use crate::runtime::Runtime;
use crate::seed::SeedReport;

/// Development: create, migrate and seed as needed, then serve.
pub(super) async fn develop(config: Config) -> Result<(), CliError> {
    if config.http.jwt_secret == DEFAULT_SECRET || config.http.cookie_secret == DEFAULT_SECRET {
        tracing::warn!("using the development secrets; `medusa start` will refuse them");
    }
    super::plugin::build_stale(&config)?;
    let db = Database::connect(&config.database, true).await?;
    let runtime = crate::runtime::assemble(&config, &db).await?;
    migrate_database(&db, &runtime, false).await?;
    let seeded = if crate::seed::is_empty(&db, &runtime.registry).await? {
        Some(crate::seed::seed_demo_store(&db, &runtime.registry).await?)
    } else {
        None
    };
    serve(config, db, runtime, seeded).await
}

/// Production: no seeding; pending migrations are an error unless `migrate`.
pub(super) async fn start(config: Config, migrate: bool) -> Result<(), CliError> {
    config.ensure_production_secrets()?;
    let db = Database::connect(&config.database, false).await?;
    let runtime = crate::runtime::assemble(&config, &db).await?;
    if migrate {
        migrate_database(&db, &runtime, false).await?;
    } else {
        let mut pending = db.pending_migrations().await?;
        if pending == 0 {
            pending = crate::framework::modules::pending_module_changes(&db, &runtime.registry)
                .await?
                .len();
        }
        if pending > 0 {
            db.close().await;
            return Err(CliError::PendingMigrations { pending });
        }
    }
    serve(config, db, runtime, None).await
}

async fn serve(
    config: Config,
    db: Database,
    runtime: Runtime,
    seeded: Option<SeedReport>,
) -> Result<(), CliError> {
    crate::seed::ensure_defaults(&db, &runtime.registry).await?;
    if let Some(url) = &config.redis.url {
        crate::framework::redis::ping(url)
            .await
            .map_err(|e| CliError::Redis {
                url: format!("{url:?}"),
                message: e.to_string(),
            })?;
        tracing::info!(redis = ?url, "redis reachable");
    }
    let addr = format!("{}:{}", config.http.host, config.http.port);
    let listener = TcpListener::bind(&addr)
        .await
        .map_err(|source| CliError::Bind {
            addr: addr.clone(),
            source,
        })?;
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(config.http.port);
    let drain = Duration::from_secs(config.http.shutdown_timeout_secs);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let background = runtime.start(&config, &db, stopped).await;
    let state = AppState::new(config, db.clone(), runtime);
    let app = crate::api::router(state);

    tracing::info!(address = %addr, "listening");
    if let Some(report) = seeded {
        print!("{report}");
    }
    println!("medusa is ready on http://localhost:{port}");
    let result = crate::server::serve(listener, app, crate::server::shutdown_signal(), drain).await;
    let _ = stop.send(true);
    for task in background {
        if tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .is_err()
        {
            tracing::warn!("a background task did not stop in time");
        }
    }
    db.close().await;
    tracing::info!("stopped");
    result.map_err(CliError::Serve)
}
