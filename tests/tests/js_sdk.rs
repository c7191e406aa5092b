//! The storefront journey through the official `@medusajs/js-sdk` (npm), used
//! as its documentation shows, against the seeded demo store: the script is
//! `tests/js-sdk/journey.mjs`. Skipped without Node unless
//! `MEDUSA_TEST_REQUIRE_SERVICES=1`.

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use medusa_tests::store::DemoStore;

fn node_available() -> bool {
    std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `cmd` to completion, killing it after `limit`.
async fn run(mut cmd: tokio::process::Command, limit: Duration, what: &str) -> Output {
    cmd.stdin(Stdio::null()).kill_on_drop(true);
    tokio::time::timeout(limit, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{what} timed out after {limit:?}"))
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn js_sdk_completes_the_storefront_journey() {
    if !node_available() {
        assert!(
            !medusa_tests::services_required(),
            "node is required for the js-sdk test (MEDUSA_TEST_REQUIRE_SERVICES=1)"
        );
        eprintln!("SKIPPED js_sdk_completes_the_storefront_journey: node is not on PATH");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js-sdk");
    if !dir.join("node_modules/@medusajs/js-sdk").exists() {
        let mut npm = tokio::process::Command::new("npm");
        npm.args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir);
        let out = run(npm, Duration::from_secs(300), "npm ci").await;
        assert!(
            out.status.success(),
            "npm ci failed\nstdout:\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }

    // `develop` seeds the demo store and prints "publishable key: pk_...".
    let store = DemoStore::start(None).await;
    let mut node = tokio::process::Command::new("node");
    node.arg("journey.mjs")
        .current_dir(&dir)
        .env("MEDUSA_BACKEND_URL", store.host.url(""))
        .env("MEDUSA_PUBLISHABLE_KEY", &store.key)
        .env_remove("MEDUSA_PROMO_CODE");
    let out = run(node, Duration::from_secs(120), "node journey.mjs").await;
    let stdout = text(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("# journey complete"),
        "js-sdk journey failed ({})\nstdout:\n{stdout}\nstderr:\n{}\nhost stderr (tail):\n{}",
        out.status,
        text(&out.stderr),
        tail(&store.host.stderr(), 40)
    );
    println!("{stdout}");
}

/// The last `n` lines of `s`.
fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
