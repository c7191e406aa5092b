//! `medusa plugin new|build|inspect`: scaffold a plugin crate, build it into
//! a component and check it against our WIT, or describe a component.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::plugins::build;

/// `medusa plugin new NAME`: a crate that builds and answers one store route.
pub(super) fn new(name: &str, dir: Option<PathBuf>) -> Result<(), CliError> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        return Err(CliError::InvalidInput(format!(
            "plugin name {name:?} must be lowercase letters, digits, - or _"
        )));
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from(name));
    if dir.exists() {
        return Err(CliError::InvalidInput(format!(
            "{} already exists",
            dir.display()
        )));
    }
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .and_then(|()| std::fs::write(path, text))
            .map_err(|e| CliError::InvalidInput(format!("cannot write {}: {e}", path.display())))
    };
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
    let sdk_dep = match std::fs::canonicalize(&sdk) {
        Ok(path) => format!("{{ path = {:?} }}", path.display().to_string()),
        Err(_) => "\"0.1\"".to_owned(),
    };
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nmedusa-sdk = {sdk_dep}\nserde_json = \"1\"\n\n[profile.release]\nopt-level = \"s\"\nlto = true\nstrip = true\n\n# A workspace of its own, so it builds wherever it lives.\n[workspace]\n"
        ),
    )?;
    let module = name.replace('-', "_");
    write(
        &dir.join("src/lib.rs"),
        &format!(
            r#"//! The {name} plugin.

use medusa_sdk::prelude::*;

struct Plugin_;

impl Plugin for Plugin_ {{
    fn manifest() -> Manifest {{
        Manifest::new("{name}", env!("CARGO_PKG_VERSION"))
            .module(Module::new("{module}").model(Model::new("{module}_note", "note").text("text")))
            .route(Method::Get, "/store/{name}")
            .route(Method::Post, "/admin/{name}")
    }}

    fn route(request: Request) -> Result<Response> {{
        if request.is(Method::Post, "/admin/{name}") {{
            let body: Value = request.json()?;
            let note: Value = data::create("{module}", "{module}_note", &json!({{ "text": body["text"] }}))?;
            return Response::ok(json!({{ "note": note }}));
        }}
        let notes: Vec<Value> = data::list("{module}", "{module}_note", json!({{}}))?;
        Response::ok(json!({{ "notes": notes }}))
    }}
}}

medusa_sdk::plugin!(Plugin_);
"#
        ),
    )?;
    println!("created plugin {name} in {}", dir.display());
    println!("next: medusa plugin build {}", dir.display());
    Ok(())
}

/// `medusa plugin build [PATH]`.
pub(super) async fn build_cmd(dir: PathBuf) -> Result<(), CliError> {
    let wasm = build::build(&dir).map_err(|e| CliError::InvalidInput(e.to_string()))?;
    let description = crate::plugins::inspect::describe(&wasm).await?;
    println!("built {}", wasm.display());
    print!("{description}");
    Ok(())
}

/// `medusa plugin inspect FILE.wasm`.
pub(super) async fn inspect(file: PathBuf) -> Result<(), CliError> {
    print!("{}", crate::plugins::inspect::describe(&file).await?);
    Ok(())
}

/// Builds configured plugins whose component is missing or older than their
/// `source` (and the SDK), before `develop` loads them.
pub(super) fn build_stale(config: &crate::config::Config) -> Result<(), CliError> {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
    for plugin in &config.plugins {
        let Some(source) = &plugin.source else {
            continue;
        };
        let source = config.project_dir.join(source);
        let component = config.project_dir.join(&plugin.resolve);
        if build::is_stale(&component, &[&source, &sdk, &wit]) {
            tracing::info!(plugin = %source.display(), "building plugin (component missing or stale)");
            let built = build::build(&source)
                .map_err(|e| CliError::InvalidInput(format!("{}: {e}", source.display())))?;
            // Built elsewhere (another toolchain's target folder): put it where
            // the config resolves it.
            if built != component {
                let placed = component
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::copy(&built, &component));
                placed
                    .map_err(|e| CliError::InvalidInput(format!("{}: {e}", component.display())))?;
            }
        }
    }
    Ok(())
}
