//! The storefront journey through the official `@medusajs/js-sdk` (npm),
//! used as its documentation shows, against the seeded host (`tests/js-sdk/`).

use std::path::PathBuf;
use std::time::Duration;

use medusa_tests::store::DemoStore;

fn node_available() -> bool {
    std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test]
async fn js_sdk_completes_the_storefront_journey() {
    if !node_available() {
        assert!(
            !medusa_tests::services_required(),
            "node is required for the js-sdk test"
        );
        eprintln!("SKIPPED: node is not installed");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js-sdk");
    if !dir.join("node_modules/@medusajs/js-sdk").exists() {
        let install = tokio::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .await
            .expect("run npm ci");
        assert!(
            install.status.success(),
            "npm ci failed: {}",
            String::from_utf8_lossy(&install.stderr)
        );
    }
    let store = DemoStore::start(None).await;
    let run = tokio::process::Command::new("node")
        .arg("journey.mjs")
        .current_dir(&dir)
        .env("MEDUSA_BACKEND_URL", store.host.url(""))
        .env("MEDUSA_PUBLISHABLE_KEY", &store.key)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("journey timed out")
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "journey failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ok - orders of the customer"), "{stdout}");
}
