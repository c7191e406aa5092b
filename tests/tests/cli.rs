//! The `medusa` command line: exit codes and messages a merchant sees.

use medusa_tests::Project;

const SECRETS: &str = "[http]\njwt_secret = \"j\"\ncookie_secret = \"c\"\n";

#[tokio::test]
async fn help_and_usage_errors() {
    let project = Project::new("");
    let help = project.run(&["--help"]).await;
    help.assert_code(0);
    for command in ["develop", "start", "db", "seed", "user"] {
        assert!(
            help.stdout.contains(command),
            "--help lists {command}:\n{}",
            help.stdout
        );
    }
    project.run(&["frobnicate"]).await.assert_code(2);
    project
        .run(&["user", "create", "--email", "a@b.co"])
        .await
        .assert_code(2);
}

#[tokio::test]
async fn missing_config_file_is_a_config_error() {
    let project = Project::new("");
    let out = project
        .run(&["--config", "nope.toml", "db", "migrate"])
        .await;
    out.assert_code(78);
    assert!(
        out.stderr.contains("nope.toml") && out.stderr.contains("not found"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn unknown_key_names_key_and_line() {
    let project = Project::new("[http]\nport = 9000\nprot = 9001\n");
    let out = project.run(&["db", "migrate"]).await;
    out.assert_code(78);
    assert!(
        out.stderr.contains("unknown field `prot`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
}

#[tokio::test]
async fn bad_url_and_missing_variable_are_config_errors() {
    let out = Project::new("[database]\nurl = \"mysql://localhost/shop\"\n")
        .run(&["db", "migrate"])
        .await;
    out.assert_code(78);
    assert!(
        out.stderr.contains("database.url") && out.stderr.contains("line 2"),
        "{}",
        out.stderr
    );

    let out = Project::new("[redis]\nurl = \"${MEDUSA_TEST_UNSET_VARIABLE}\"\n")
        .run(&["db", "migrate"])
        .await;
    out.assert_code(78);
    assert!(
        out.stderr.contains("MEDUSA_TEST_UNSET_VARIABLE"),
        "{}",
        out.stderr
    );

    let out = Project::new("")
        .env("DATABASE_URL", "oracle://x")
        .run(&["db", "migrate"])
        .await;
    out.assert_code(78);
    assert!(out.stderr.contains("DATABASE_URL"), "{}", out.stderr);
}

#[tokio::test]
async fn migrate_status_and_user_create_on_sqlite() {
    let project = Project::new("");
    // No database file yet: nothing to report on.
    project.run(&["db", "status"]).await.assert_code(69);

    let out = project.run(&["db", "migrate"]).await;
    out.assert_code(0);
    assert!(
        out.stdout.contains("migration(s) applied") && !out.stdout.starts_with("0 "),
        "{}",
        out.stdout
    );
    assert!(
        project.file("medusa.db").exists(),
        "the SQLite file is created in the project folder"
    );

    let out = project.run(&["db", "migrate"]).await;
    out.assert_code(0);
    assert!(
        out.stdout.contains("0 migration(s) applied"),
        "{}",
        out.stdout
    );

    let out = project.run(&["db", "status"]).await;
    out.assert_code(0);
    assert!(
        out.stdout.contains("user and auth") && out.stdout.contains("applied"),
        "{}",
        out.stdout
    );

    let out = project
        .run(&[
            "user",
            "create",
            "--email",
            "Owner@Shop.example",
            "--password",
            "pw",
        ])
        .await;
    out.assert_code(0);
    assert!(out.stdout.contains("owner@shop.example"), "{}", out.stdout);

    let out = project
        .run(&["user", "create", "-e", "owner@shop.example", "-p", "other"])
        .await;
    out.assert_code(65);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);

    let out = project
        .run(&["user", "create", "-e", "not-an-email", "-p", "pw"])
        .await;
    out.assert_code(65);
    assert!(out.stderr.contains("not a valid email"), "{}", out.stderr);

    let out = project
        .run(&["user", "create", "-e", "second@shop.example", "-p", ""])
        .await;
    out.assert_code(65);
}

#[tokio::test]
async fn start_refuses_default_secrets() {
    let out = Project::new("").run(&["start"]).await;
    out.assert_code(78);
    assert!(out.stderr.contains("http.jwt_secret"), "{}", out.stderr);

    let out = Project::new("[http]\njwt_secret = \"j\"\n")
        .run(&["start"])
        .await;
    out.assert_code(78);
    assert!(out.stderr.contains("http.cookie_secret"), "{}", out.stderr);
}

#[tokio::test]
async fn start_refuses_pending_migrations_unless_asked_to_migrate() {
    let project = Project::new(SECRETS);
    std::fs::write(project.file("medusa.db"), b"").unwrap();
    let out = project.run(&["start"]).await;
    out.assert_code(75);
    assert!(
        out.stderr.contains("pending") && out.stderr.contains("medusa db migrate"),
        "{}",
        out.stderr
    );

    let host = project.spawn(&["start", "--migrate"]).await;
    assert_eq!(host.get("/health").await.status(), 200);
    assert!(!host.stdout().contains("admin login"), "start never seeds");
}

#[tokio::test]
async fn port_in_use_is_reported() {
    let project = Project::new("");
    let busy = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let project = project.env("PORT", &port);
    let out = project.run(&["develop"]).await;
    out.assert_code(1);
    assert!(out.stderr.contains("cannot listen on"), "{}", out.stderr);
}

#[tokio::test]
async fn develop_creates_migrates_and_seeds_once() {
    let project = Project::new("");
    let mut host = project.spawn(&["develop"]).await;
    assert!(
        host.stdout()
            .contains(&format!("http://localhost:{}", host.port())),
        "{}",
        host.stdout()
    );
    assert!(
        host.stdout().contains("admin login: admin@medusa-test.com"),
        "{}",
        host.stdout()
    );
    assert_eq!(host.get("/health").await.status(), 200);
    host.terminate();
    assert_eq!(host.wait().await, Some(0));

    // The second run finds data and does not seed again.
    let host = project.spawn(&["develop"]).await;
    assert!(!host.stdout().contains("admin login"), "{}", host.stdout());
    drop(host);
    let out = project.run(&["seed"]).await;
    out.assert_code(0);
    assert!(out.stdout.contains("already existed"), "{}", out.stdout);
}
