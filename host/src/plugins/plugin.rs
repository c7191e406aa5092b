//! One loaded plugin: its manifest, its grants and limits, and the
//! pre-linked component every call instantiates afresh.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, Weak};

use serde_json::Value;
use tokio::sync::Semaphore;
use wasmtime::component::InstancePre;

use super::limits::Limits;
use super::manifest::Manifest;
use super::state::CallState;
use crate::config::PluginGrants;
use crate::db::Database;
use crate::framework::events::EventBus;
use crate::framework::modules::Registry;
use crate::framework::query::Query;
use crate::framework::workflows::WorkflowEngine;

/// What host imports reach, set once the runtime exists.
pub struct Services {
    pub db: Database,
    pub registry: Arc<Registry>,
    pub query: Query,
    pub workflows: Arc<WorkflowEngine>,
    pub events: Arc<EventBus>,
    /// The plugin owning each plugin module (for `call-module`).
    pub module_owners: HashMap<String, Weak<LoadedPlugin>>,
}

/// What every call of a plugin shares.
pub struct PluginShared {
    pub name: String,
    pub options: Value,
    pub grants: PluginGrants,
    pub limits: Limits,
    /// Modules the plugin defines.
    pub own_modules: BTreeSet<String>,
    /// Modules it may reach besides its own: requested AND granted.
    pub granted_modules: BTreeSet<String>,
    /// Events it may emit besides its own models' events.
    pub granted_events: BTreeSet<String>,
    /// Models of its own modules (their `<model>.*` events are its own).
    pub own_models: BTreeSet<String>,
    /// Links the plugin declares, as (model, model) pairs.
    pub own_links: Vec<(String, String)>,
    /// Granted directories (absolute), preopened under `/<folder name>`.
    pub granted_dirs: Vec<PathBuf>,
    /// Hosts it may send HTTP requests to: requested AND granted.
    pub granted_http_hosts: BTreeSet<String>,
    pub services: Arc<OnceLock<Services>>,
}

impl PluginShared {
    /// Whether code of this plugin, running as `as_module` (a service method)
    /// or as a route/subscriber/step/job (`None`), may reach `module`.
    pub fn may_reach(&self, as_module: Option<&str>, module: &str) -> bool {
        match as_module {
            Some(own) => own == module,
            None => self.own_modules.contains(module) || self.granted_modules.contains(module),
        }
    }

    /// Whether it may emit `event`.
    pub fn may_emit(&self, event: &str) -> bool {
        let own = event
            .split_once('.')
            .is_some_and(|(model, _)| self.own_models.contains(model));
        own || self.granted_events.contains(event) || self.granted_events.contains("*")
    }

    /// Whether it may send HTTP requests to `host` on `port`: a granted
    /// entry names the host (any port), `host:port`, or `*.domain` (its
    /// subdomains).
    pub fn may_fetch(&self, host: &str, port: u16) -> bool {
        let host = host.to_ascii_lowercase();
        self.granted_http_hosts.iter().any(|entry| {
            let entry = entry.to_ascii_lowercase();
            if let Some(domain) = entry.strip_prefix("*.") {
                return host.ends_with(&format!(".{domain}"));
            }
            match entry.rsplit_once(':') {
                Some((name, p)) if p.parse::<u16>().is_ok() => {
                    name == host && p == port.to_string()
                }
                _ => entry == host,
            }
        })
    }
}

/// A plugin ready to be called.
pub struct LoadedPlugin {
    pub shared: Arc<PluginShared>,
    pub manifest: Manifest,
    pub path: PathBuf,
    pub(super) pre: InstancePre<CallState>,
    pub(super) slots: Arc<Semaphore>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> PluginShared {
        PluginShared {
            name: "brand".into(),
            options: Value::Null,
            grants: PluginGrants::default(),
            limits: Limits::from_config(&Default::default()),
            own_modules: ["brand".to_owned(), "cms".to_owned()].into(),
            granted_modules: ["product".to_owned()].into(),
            granted_events: ["product.updated".to_owned()].into(),
            own_models: ["brand".to_owned()].into(),
            own_links: Vec::new(),
            granted_dirs: Vec::new(),
            granted_http_hosts: [
                "cms.example.com".to_owned(),
                "127.0.0.1:8080".to_owned(),
                "*.shop.example".to_owned(),
            ]
            .into(),
            services: Arc::default(),
        }
    }

    #[test]
    fn only_granted_hosts_may_be_fetched() {
        let p = shared();
        assert!(p.may_fetch("cms.example.com", 443));
        assert!(p.may_fetch("CMS.example.com", 80));
        assert!(p.may_fetch("127.0.0.1", 8080));
        assert!(!p.may_fetch("127.0.0.1", 9000), "another port");
        assert!(p.may_fetch("api.shop.example", 443));
        assert!(
            !p.may_fetch("shop.example", 443),
            "the wildcard means subdomains"
        );
        assert!(!p.may_fetch("evil-shop.example", 443));
        assert!(!p.may_fetch("example.com", 443));
    }

    #[test]
    fn a_service_reaches_only_its_module() {
        let p = shared();
        assert!(p.may_reach(Some("brand"), "brand"));
        assert!(!p.may_reach(Some("brand"), "cms"));
        assert!(!p.may_reach(Some("brand"), "product"));
        assert!(p.may_reach(None, "cms"));
        assert!(p.may_reach(None, "product"));
        assert!(!p.may_reach(None, "customer"));
    }

    #[test]
    fn own_model_events_and_granted_ones_may_be_emitted() {
        let p = shared();
        assert!(p.may_emit("brand.created"));
        assert!(p.may_emit("product.updated"));
        assert!(!p.may_emit("order.placed"));
        assert!(!p.may_emit("brandx"));
    }
}
