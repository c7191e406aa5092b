//! Graceful shutdown of a real host process on SIGTERM.

use medusa_tests::Project;

#[tokio::test]
async fn sigterm_stops_cleanly() {
    let project = Project::new("");
    let mut host = project.spawn(&["develop"]).await;
    assert_eq!(host.get("/health").await.status(), 200);
    host.terminate();
    assert_eq!(host.wait().await, Some(0), "stderr:\n{}", host.stderr());
    let logs = host.stderr();
    assert!(
        logs.contains("shutting down") && logs.contains("stopped"),
        "{logs}"
    );
    // Nothing listens any more.
    assert!(reqwest::get(host.url("/health")).await.is_err());
}
