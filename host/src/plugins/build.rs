//! Building a plugin crate (or a workspace of them) into components, with
//! one of two toolchains:
//!
//! - rustup's `wasm32-wasip2` target (installed with `rustup target add` when
//!   missing): `cargo build --release --target wasm32-wasip2`;
//! - where rustup cannot download, Debian's `rustc-web` 1.96 building
//!   `wasm32-unknown-unknown` with `-Zbuild-std` and linking with the
//!   `wasm-component-ld` Debian ships (the recipe of
//!   `shared/tools/wasm-toolchain-debian.sh`; its packages are installed with
//!   apt when this runs as root). Such components import no WASI at all.
//!
//! `MEDUSA_PLUGIN_TOOLCHAIN=wasip2|debian` picks one. Used by `medusa plugin
//! build`, by `medusa develop` for plugins whose `source` is newer than their
//! component, and by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The Rust target plugins are built for by default.
pub const TARGET: &str = "wasm32-wasip2";

/// Debian's packages for the fallback toolchain (see the module doc).
const DEBIAN_PACKAGES: &[&str] = &[
    "rustc-web",
    "cargo-web",
    "rust-web-src",
    "rust-web-llvm",
    "lld-22",
];
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";
const DEBIAN_CARGO: &str = "/usr/bin/cargo";
const DEBIAN_LINKER: &str = "/usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/wasm-component-ld";
const DEBIAN_STD_SOURCE: &str = "/usr/lib/rustlib/src/rust/library";

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
    #[error(
        "no toolchain for Wasm plugins: `rustup target add {TARGET}` failed and Debian's \
         rustc-web toolchain is not installed (as root, `apt-get install {}` installs it); \
         see docs/plugins.md",
        DEBIAN_PACKAGES.join(" ")
    )]
    NoToolchain,
    #[error("MEDUSA_PLUGIN_TOOLCHAIN must be wasip2 or debian, not {0:?}")]
    UnknownToolchain(String),
    #[error("the plugin build failed (cargo exited with {0})")]
    Cargo(String),
    #[error("the build produced no {0}")]
    Missing(String),
}

/// How plugins get compiled on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toolchain {
    /// rustup's `wasm32-wasip2` target.
    Wasip2,
    /// Debian's `rustc-web` building `wasm32-unknown-unknown` components.
    Debian,
}

impl Toolchain {
    /// The Rust target triple (and folder under `target/`).
    pub fn target(self) -> &'static str {
        match self {
            Toolchain::Wasip2 => TARGET,
            Toolchain::Debian => "wasm32-unknown-unknown",
        }
    }

    /// Whether this toolchain can build here (installing it when it can).
    pub fn available(self) -> bool {
        match self {
            Toolchain::Wasip2 => rustup_target(),
            Toolchain::Debian => debian_toolchain(),
        }
    }

    /// The toolchain to use: the one `MEDUSA_PLUGIN_TOOLCHAIN` names, else
    /// rustup's target (installing it), else Debian's (installing it when
    /// this runs as root).
    pub fn detect() -> Result<Self, BuildError> {
        match std::env::var("MEDUSA_PLUGIN_TOOLCHAIN").ok().as_deref() {
            Some("wasip2") => {
                return if rustup_target() {
                    Ok(Toolchain::Wasip2)
                } else {
                    Err(BuildError::NoToolchain)
                };
            }
            Some("debian") => {
                return if debian_toolchain() {
                    Ok(Toolchain::Debian)
                } else {
                    Err(BuildError::NoToolchain)
                };
            }
            Some(other) if !other.is_empty() => {
                return Err(BuildError::UnknownToolchain(other.to_owned()));
            }
            _ => {}
        }
        if rustup_target() {
            Ok(Toolchain::Wasip2)
        } else if debian_toolchain() {
            tracing::warn!(
                "rustup cannot add wasm32-wasip2; building plugins with Debian's rustc-web for wasm32-unknown-unknown"
            );
            Ok(Toolchain::Debian)
        } else {
            Err(BuildError::NoToolchain)
        }
    }

    /// `cargo build --release` for `manifest` (a crate or a workspace).
    fn cargo(self, manifest: &Path) -> Command {
        let mut command = match self {
            Toolchain::Wasip2 => {
                let mut c = Command::new(cargo());
                c.args(["build", "--release", "--target", TARGET]);
                c
            }
            Toolchain::Debian => {
                let mut c = Command::new(DEBIAN_CARGO);
                c.args([
                    "build",
                    "--release",
                    "--target",
                    self.target(),
                    "-Zbuild-std=std,panic_abort",
                    "--config",
                    &format!("target.{}.linker=\"{DEBIAN_LINKER}\"", self.target()),
                ])
                .env("RUSTC", DEBIAN_RUSTC)
                .env("RUSTDOC", "/usr/bin/rustdoc")
                .env("RUSTC_BOOTSTRAP", "1")
                .env_remove("RUSTC_WRAPPER")
                .env_remove("CARGO_BUILD_TARGET")
                .env_remove("CARGO_ENCODED_RUSTFLAGS");
                c
            }
        };
        command
            .arg("--manifest-path")
            .arg(manifest)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS");
        command
    }
}

/// Builds the crate at `dir` and returns the component's path.
pub fn build(dir: &Path) -> Result<PathBuf, BuildError> {
    let toolchain = Toolchain::detect()?;
    build_all(dir, toolchain)?;
    let wasm = component_path(dir, toolchain)?;
    if wasm.is_file() {
        Ok(wasm)
    } else {
        Err(BuildError::Missing(wasm.display().to_string()))
    }
}

/// Builds the crate or workspace at `dir` with `toolchain`; returns the
/// folder holding its components.
pub fn build_all(dir: &Path, toolchain: Toolchain) -> Result<PathBuf, BuildError> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NotACrate(dir.display().to_string()));
    }
    let status = toolchain
        .cargo(&manifest)
        .status()
        .map_err(|source| BuildError::Spawn {
            program: "cargo".into(),
            source,
        })?;
    if !status.success() {
        return Err(BuildError::Cargo(status.to_string()));
    }
    Ok(workspace_root(dir)
        .join("target")
        .join(toolchain.target())
        .join("release"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Whether rustup has `wasm32-wasip2`, adding it when missing.
fn rustup_target() -> bool {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == TARGET)
        })
        .unwrap_or(false);
    installed
        || Command::new("rustup")
            .args(["target", "add", TARGET])
            .status()
            .is_ok_and(|s| s.success())
}

fn debian_installed() -> bool {
    [
        DEBIAN_RUSTC,
        DEBIAN_CARGO,
        DEBIAN_LINKER,
        DEBIAN_STD_SOURCE,
        "/usr/bin/lld-22",
    ]
    .iter()
    .all(|p| Path::new(p).exists())
        && Command::new(DEBIAN_RUSTC)
            .arg("-V")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("1.96"))
}

/// Whether Debian's toolchain is there, installing it with apt when this
/// runs as root.
fn debian_toolchain() -> bool {
    if debian_installed() {
        return true;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return false;
    }
    tracing::info!(packages = ?DEBIAN_PACKAGES, "installing Debian's Wasm toolchain");
    let updated = Command::new("apt-get")
        .args(["update", "-qq"])
        .status()
        .is_ok_and(|s| s.success());
    updated
        && Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(DEBIAN_PACKAGES)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
        && debian_installed()
}

/// Where cargo puts the component of the crate at `dir` built with
/// `toolchain` (its workspace's target dir, the crate name with `-` as `_`).
pub fn component_path(dir: &Path, toolchain: Toolchain) -> Result<PathBuf, BuildError> {
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
        .join(toolchain.target())
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
