//! Hosts configured with Redis check it at start-up.

use medusa_tests::{Project, redis_url};

#[tokio::test]
async fn start_with_reachable_redis_serves() {
    let Some(url) = redis_url().await else { return };
    let project = Project::new("").env("REDIS_URL", &url);
    let host = project.spawn(&["develop"]).await;
    assert_eq!(host.get("/health").await.status(), 200);
    assert!(
        host.stderr().contains("redis reachable"),
        "{}",
        host.stderr()
    );
}

#[tokio::test]
async fn unreachable_redis_is_reported() {
    let port = medusa_tests::free_port();
    let project = Project::new("").env("REDIS_URL", &format!("redis://127.0.0.1:{port}"));
    let out = project.run(&["develop"]).await;
    out.assert_code(69);
    assert!(out.stderr.contains("redis at"), "{}", out.stderr);
}
