//! Runs a test body against a migrated SQLite database and, when reachable, a
//! migrated PostgreSQL database.

use medusa_host::config::{DatabaseConfig, DatabaseUrl};
use medusa_host::db::Database;

use crate::TestPostgres;

/// A migrated database and what keeps it alive.
pub struct TestDatabase {
    pub db: Database,
    pub name: &'static str,
    /// The URL a child process can connect with.
    pub url: String,
    _sqlite_dir: Option<tempfile::TempDir>,
    _postgres: Option<TestPostgres>,
}

async fn connect(url: DatabaseUrl) -> Database {
    let config = DatabaseConfig {
        url,
        pool_size: 8,
        ..Default::default()
    };
    let db = Database::connect(&config, true).await.expect("connect");
    db.migrate(|_| {}).await.expect("core migrations");
    db
}

/// A fresh SQLite database in a temp folder.
pub async fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.db");
    let db = connect(DatabaseUrl::Sqlite(path.clone())).await;
    TestDatabase {
        db,
        name: "sqlite",
        url: format!("sqlite://{}", path.display()),
        _sqlite_dir: Some(dir),
        _postgres: None,
    }
}

/// A fresh PostgreSQL database, or `None` when skipped.
pub async fn postgres() -> Option<TestDatabase> {
    let pg = TestPostgres::create().await?;
    let db = connect(DatabaseUrl::Postgres(pg.url.clone())).await;
    Some(TestDatabase {
        db,
        name: "postgres",
        url: pg.url.clone(),
        _sqlite_dir: None,
        _postgres: Some(pg),
    })
}

/// Every database kind available to this run.
pub async fn all() -> Vec<TestDatabase> {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    dbs
}
