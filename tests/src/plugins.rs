//! The example and hostile plugins, built from source once per test run for
//! `wasm32-wasip2` (in `plugins/target`, outside the host's target dir).

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The folder holding the built components (`brand.wasm`, `loyalty.wasm`, `hostile.wasm`).
pub fn built() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

/// A built component's absolute path.
pub fn component(name: &str) -> String {
    built().join(format!("{name}.wasm")).display().to_string()
}

fn build() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let plugins = root.join("plugins");
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-wasip2"))
        .unwrap_or(false);
    if !installed {
        let ok = Command::new("rustup")
            .args(["target", "add", "wasm32-wasip2"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "rustup target add wasm32-wasip2 failed");
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-wasip2",
            "--manifest-path",
        ])
        .arg(plugins.join("Cargo.toml"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .status()
        .expect("run cargo");
    assert!(status.success(), "building the plugins failed");
    plugins.join("target/wasm32-wasip2/release")
}
