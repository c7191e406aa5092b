//! `medusa plugin inspect FILE.wasm`: load one component as the host would
//! (compile, link against our WIT, call its manifest) and describe it.

use std::fmt::Write as _;
use std::path::Path;

use crate::config::{Config, PluginConfig};

use super::PluginHost;
use super::host::PluginLoadError;

/// A human-readable description of the plugin at `path`.
pub async fn describe(path: &Path) -> Result<String, PluginLoadError> {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let cache = std::env::temp_dir().join("medusa-plugin-inspect");
    let config = Config {
        project_dir: cache,
        plugins: vec![PluginConfig {
            resolve: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            source: None,
            options: Default::default(),
            grants: Default::default(),
            limits: Default::default(),
        }],
        ..Default::default()
    };
    let Some(host) = PluginHost::load(&config).await? else {
        return Ok(String::new());
    };
    let mut out = String::new();
    for plugin in &host.plugins {
        let m = &plugin.manifest;
        let _ = writeln!(
            out,
            "plugin {} {} ({} KiB)",
            m.name,
            m.version,
            bytes / 1024
        );
        for module in &m.modules {
            let models: Vec<_> = module.models.iter().map(|x| x.name.as_str()).collect();
            let _ = writeln!(
                out,
                "  module {}: models {}",
                module.name,
                models.join(", ")
            );
            if let Some(methods) = m.methods.get(&module.name).filter(|x| !x.is_empty()) {
                let methods: Vec<_> = methods.iter().map(String::as_str).collect();
                let _ = writeln!(out, "    service methods: {}", methods.join(", "));
            }
        }
        for link in &m.links {
            let _ = writeln!(
                out,
                "  link {}.{} <-> {}.{}",
                link.left.module, link.left.model, link.right.module, link.right.model
            );
        }
        for route in &m.routes {
            let _ = writeln!(out, "  route {} {}", route.method, route.path);
        }
        for (id, events) in &m.subscribers {
            let _ = writeln!(out, "  subscriber {id}: {}", events.join(", "));
        }
        for w in &m.workflows {
            let steps: Vec<_> = w
                .steps
                .iter()
                .map(|(s, c)| {
                    if *c {
                        format!("{s} (compensates)")
                    } else {
                        s.clone()
                    }
                })
                .collect();
            let _ = writeln!(out, "  workflow {}: {}", w.id, steps.join(" -> "));
        }
        for (workflow, hook, _) in &m.hooks {
            let _ = writeln!(out, "  hook {workflow}.{hook}");
        }
        for job in &m.jobs {
            let _ = writeln!(out, "  job {}", job.name);
        }
        let component = plugin.pre.component();
        let imports: Vec<String> = component
            .component_type()
            .imports(component.engine())
            .map(|(name, _)| name.to_owned())
            .collect();
        let _ = writeln!(out, "  imports: {}", imports.join(", "));
        let c = &m.capabilities;
        let _ = writeln!(
            out,
            "  requests: modules [{}], events [{}], directories [{}], env [{}], http hosts [{}]",
            c.modules.join(", "),
            c.events.join(", "),
            c.directories.join(", "),
            c.env.join(", "),
            c.http_hosts.join(", ")
        );
    }
    Ok(out)
}
