//! The same commands against PostgreSQL.

use medusa_tests::{Project, TestPostgres};

#[tokio::test]
async fn migrate_status_user_and_start_on_postgres() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    let project = Project::with_database(&pg.url);

    let out = project.run(&["db", "status"]).await;
    out.assert_code(1);
    assert!(out.stdout.contains("pending"), "{}", out.stdout);
    let out = project.run(&["start"]).await;
    out.assert_code(75);

    project.run(&["db", "migrate"]).await.assert_code(0);
    let out = project.run(&["db", "status"]).await;
    out.assert_code(0);
    assert!(
        out.stdout.contains("database: postgres://"),
        "{}",
        out.stdout
    );

    project
        .run(&["user", "create", "-e", "admin@shop.example", "-p", "pw"])
        .await
        .assert_code(0);
    let out = project
        .run(&["user", "create", "-e", "ADMIN@shop.example", "-p", "pw"])
        .await;
    out.assert_code(65);

    let mut host = project.spawn(&["start"]).await;
    assert_eq!(host.get("/health").await.status(), 200);
    host.terminate();
    assert_eq!(host.wait().await, Some(0));
}

#[tokio::test]
async fn develop_creates_the_postgres_database() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    // A database that does not exist yet on the same server.
    let url = format!("{}_new", pg.url);
    let project = Project::with_database(&url);
    let host = project.spawn(&["develop"]).await;
    assert!(host.stdout().contains("admin login"), "{}", host.stdout());
    assert_eq!(host.get("/health").await.status(), 200);
    drop(host);
    // Clean up the extra database through the fixture's server.
    let extra = TestPostgres::drop_named(&url).await;
    assert!(extra, "the database created by develop exists");
}

#[tokio::test]
async fn database_url_environment_overrides_the_file() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    let project =
        Project::new("[database]\nurl = \"sqlite://never-used.db\"\n").env("DATABASE_URL", &pg.url);
    project.run(&["db", "migrate"]).await.assert_code(0);
    assert!(!project.file("never-used.db").exists());
    let out = project.run(&["db", "status"]).await;
    assert!(out.stdout.contains("postgres://"), "{}", out.stdout);
}

/// Two hosts starting together on an empty, migrated PostgreSQL database
/// create one default store between them, not two.
#[tokio::test]
async fn hosts_booting_together_create_one_store() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    let first = Project::with_database(&pg.url);
    let second = Project::with_database(&pg.url);
    first.run(&["db", "migrate"]).await.assert_code(0);
    let (a, b) = tokio::join!(first.spawn(&["start"]), second.spawn(&["start"]));
    for host in [&a, &b] {
        assert_eq!(host.get("/health").await.status(), 200);
    }
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let stores: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM store WHERE deleted_at IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stores.0, 1);
}
