//! The example and hostile plugins, built from source once per test run
//! with the toolchain the host's `medusa plugin build` would pick (rustup's
//! `wasm32-wasip2`, else Debian's `wasm32-unknown-unknown`), in
//! `plugins/target`, outside the host's target dir.

use std::path::PathBuf;
use std::sync::OnceLock;

use medusa_host::plugins::build::{Toolchain, build_all};

/// The folder holding the built components (`brand.wasm`, `loyalty.wasm`, `hostile.wasm`).
pub fn built() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let toolchain = Toolchain::detect().unwrap_or_else(|e| panic!("{e}"));
            build_with(toolchain)
        })
        .clone()
}

/// Builds the plugins with `toolchain`; returns the folder of components.
pub fn build_with(toolchain: Toolchain) -> PathBuf {
    let plugins = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plugins");
    build_all(&plugins, toolchain).unwrap_or_else(|e| panic!("building the plugins: {e}"))
}

/// A built component's absolute path.
pub fn component(name: &str) -> String {
    built().join(format!("{name}.wasm")).display().to_string()
}
