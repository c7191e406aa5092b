//! Building a plugin crate into a component: `cargo build --release --target
//! wasm32-wasip2` in the crate (installing the target with rustup when it is
//! missing), then locating the `.wasm`. Used by `medusa plugin build` and by
//! `medusa develop` for plugins whose `source` is newer than their component.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The Rust target plugins are built for.
pub const TARGET: &str = "wasm32-wasip2";

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0} has no Cargo.toml")]
    NotACrate(String),
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`rustup target add {TARGET}` failed; see docs/plugins.md for the offline toolchain")]
    Target,
    #[error("the plugin build failed (cargo exited with {0})")]
    Cargo(String),
    #[error("the build produced no {0}")]
    Missing(String),
}

/// Builds the crate at `dir` and returns the component's path.
pub fn build(dir: &Path) -> Result<PathBuf, BuildError> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NotACrate(dir.display().to_string()));
    }
    ensure_target()?;
    let status = Command::new(cargo())
        .args(["build", "--release", "--target", TARGET, "--manifest-path"])
        .arg(&manifest)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .status()
        .map_err(|source| BuildError::Spawn {
            program: "cargo".into(),
            source,
        })?;
    if !status.success() {
        return Err(BuildError::Cargo(status.to_string()));
    }
    let wasm = component_path(dir)?;
    if wasm.is_file() {
        Ok(wasm)
    } else {
        Err(BuildError::Missing(wasm.display().to_string()))
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `rustup target add wasm32-wasip2` unless it is installed already.
fn ensure_target() -> Result<(), BuildError> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == TARGET)
        })
        .unwrap_or(true);
    if installed {
        return Ok(());
    }
    let ok = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok { Ok(()) } else { Err(BuildError::Target) }
}

/// Where cargo puts the component of the crate at `dir` (its workspace's
/// target dir, the crate name with `-` as `_`).
pub fn component_path(dir: &Path) -> Result<PathBuf, BuildError> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|_| BuildError::NotACrate(dir.display().to_string()))?;
    let name = manifest
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("package")?.get("name")?.as_str().map(str::to_owned))
        .ok_or_else(|| BuildError::NotACrate(dir.display().to_string()))?;
    let root = workspace_root(dir);
    Ok(root
        .join("target")
        .join(TARGET)
        .join("release")
        .join(format!("{}.wasm", name.replace('-', "_"))))
}

/// The nearest folder at or above `dir` whose Cargo.toml has `[workspace]`.
fn workspace_root(dir: &Path) -> PathBuf {
    let mut current = Some(dir);
    while let Some(d) = current {
        let is_workspace = std::fs::read_to_string(d.join("Cargo.toml"))
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .is_some_and(|t| t.contains_key("workspace"));
        if is_workspace {
            return d.to_path_buf();
        }
        current = d.parent();
    }
    dir.to_path_buf()
}

/// Whether the component is missing or older than a source file of the
/// crate (or of the SDK it uses).
pub fn is_stale(component: &Path, sources: &[&Path]) -> bool {
    let Ok(built) = std::fs::metadata(component).and_then(|m| m.modified()) else {
        return true;
    };
    sources
        .iter()
        .any(|dir| newest(dir).is_some_and(|t| t > built))
}

fn newest(dir: &Path) -> Option<SystemTime> {
    let mut latest = None;
    let entries = std::fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let time = if path.is_dir() {
            newest(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        latest = latest.max(time);
    }
    latest
}
