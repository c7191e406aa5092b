//! A plugin's manifest (the `guest.manifest` export) turned into the host's
//! own definitions: data models, links, routes, subscribers, workflows and
//! jobs, validated before anything is registered.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::Value;

use super::bindings::types as wit;
use crate::framework::dml::{
    FieldDef, FieldKind, LinkDef, LinkSide, ModelDef, ModuleDef, RelationDef, RelationKind,
};
use crate::framework::jobs::Schedule;

/// Why a manifest was refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{0}")]
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> ManifestError {
    ManifestError::Invalid(message.into())
}

/// Route families, by path prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteScope {
    /// `/store/…`: publishable key required; customer optional.
    Store,
    /// `/admin/…`: an authenticated user required.
    Admin,
    /// Anything else: no credentials.
    Public,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDef {
    pub method: http::Method,
    /// As declared: `/admin/brands/:id`.
    pub path: String,
    pub scope: RouteScope,
}

impl RouteDef {
    /// The path in axum's syntax (`/admin/brands/{id}`), relative to `prefix`.
    pub fn axum_path(&self) -> String {
        self.path
            .split('/')
            .map(|seg| match seg.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => seg.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[derive(Debug, Clone)]
pub struct WorkflowSpec {
    pub id: String,
    /// Step ids with whether each compensates.
    pub steps: Vec<(String, bool)>,
}

#[derive(Debug, Clone)]
pub struct JobSpec {
    pub name: String,
    pub schedule: Schedule,
}

/// What a plugin provides and asks for.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub modules: Vec<ModuleDef>,
    /// Service methods per module.
    pub methods: BTreeMap<String, BTreeSet<String>>,
    pub links: Vec<LinkDef>,
    pub routes: Vec<RouteDef>,
    pub subscribers: Vec<(String, Vec<String>)>,
    pub workflows: Vec<WorkflowSpec>,
    /// Hook handlers: (workflow, hook, compensates).
    pub hooks: Vec<(String, String, bool)>,
    pub jobs: Vec<JobSpec>,
    pub capabilities: wit::Capabilities,
}

impl Manifest {
    /// A manifest declaring nothing (before the plugin's own is read).
    pub fn empty() -> Self {
        Self {
            name: String::new(),
            version: String::new(),
            modules: Vec::new(),
            methods: BTreeMap::new(),
            links: Vec::new(),
            routes: Vec::new(),
            subscribers: Vec::new(),
            workflows: Vec::new(),
            hooks: Vec::new(),
            jobs: Vec::new(),
            capabilities: wit::Capabilities {
                modules: Vec::new(),
                events: Vec::new(),
                directories: Vec::new(),
                env: Vec::new(),
                http_hosts: Vec::new(),
            },
        }
    }

    pub fn from_wit(m: wit::PluginManifest) -> Result<Self, ManifestError> {
        if !is_name(&m.name) {
            return Err(invalid(format!(
                "plugin name {:?} must be lowercase letters, digits, - or _",
                m.name
            )));
        }
        let mut methods = BTreeMap::new();
        let mut modules = Vec::new();
        for module in m.modules {
            methods.insert(module.name.clone(), module.methods.into_iter().collect());
            let mut def = ModuleDef::new(&module.name);
            for model in module.models {
                def = def.model(model_def(model)?);
            }
            def.validate()
                .map_err(|e| invalid(format!("module {}: {e}", module.name)))?;
            modules.push(def);
        }
        let links = m
            .links
            .into_iter()
            .map(|l| LinkDef::new(side(l.left), side(l.right)))
            .collect();
        let mut seen = BTreeSet::new();
        let mut routes = Vec::new();
        for r in m.routes {
            let route = route_def(r)?;
            if !seen.insert((route.method.clone(), route.path.clone())) {
                return Err(invalid(format!(
                    "route {} {} declared twice",
                    route.method, route.path
                )));
            }
            routes.push(route);
        }
        let subscribers = m
            .subscribers
            .into_iter()
            .map(|s| {
                if s.id.is_empty() || s.events.is_empty() {
                    Err(invalid("a subscriber needs an id and at least one event"))
                } else {
                    Ok((s.id, s.events))
                }
            })
            .collect::<Result<_, _>>()?;
        let workflows = m
            .workflows
            .into_iter()
            .map(|w| {
                if w.steps.is_empty() {
                    return Err(invalid(format!("workflow {} has no steps", w.id)));
                }
                Ok(WorkflowSpec {
                    id: w.id,
                    steps: w.steps.into_iter().map(|s| (s.id, s.compensates)).collect(),
                })
            })
            .collect::<Result<_, _>>()?;
        let jobs = m
            .jobs
            .into_iter()
            .map(|j| {
                let schedule = parse_schedule(&j.schedule)
                    .map_err(|e| invalid(format!("job {}: {e}", j.name)))?;
                Ok(JobSpec {
                    name: j.name,
                    schedule,
                })
            })
            .collect::<Result<_, ManifestError>>()?;
        let hooks = m
            .hooks
            .into_iter()
            .map(|h| (h.workflow, h.hook, h.compensates))
            .collect();
        Ok(Self {
            name: m.name,
            version: m.version,
            modules,
            methods,
            links,
            routes,
            subscribers,
            workflows,
            hooks,
            jobs,
            capabilities: m.capabilities,
        })
    }

    /// Models of the plugin's own modules.
    pub fn own_models(&self) -> BTreeSet<String> {
        self.modules
            .iter()
            .flat_map(|m| m.models.iter().map(|model| model.name.clone()))
            .collect()
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn model_def(m: wit::ModelDef) -> Result<ModelDef, ManifestError> {
    let mut def = ModelDef::new(&m.name, &m.id_prefix);
    for f in m.fields {
        let kind = match f.type_ {
            wit::FieldType::Text => FieldKind::Text,
            wit::FieldType::Number => FieldKind::Number,
            wit::FieldType::Float => FieldKind::Float,
            wit::FieldType::Boolean => FieldKind::Boolean,
            wit::FieldType::BigNumber => FieldKind::BigNumber,
            wit::FieldType::Json => FieldKind::Json,
            wit::FieldType::DateTime => FieldKind::DateTime,
            wit::FieldType::Enumeration(values) => FieldKind::Enum { values },
        };
        let default = match f.default_value {
            Some(raw) => Some(serde_json::from_str::<Value>(&raw).map_err(|e| {
                invalid(format!("{}.{}: default is not JSON: {e}", m.name, f.name))
            })?),
            None => None,
        };
        def.fields.push(FieldDef {
            name: f.name,
            kind,
            nullable: f.nullable,
            default,
            unique: f.unique,
            index: false,
            searchable: f.searchable,
        });
    }
    for r in m.relations {
        let kind = match r.kind {
            wit::RelationKind::BelongsTo(foreign_key) => RelationKind::BelongsTo { foreign_key },
            wit::RelationKind::HasMany(foreign_key) => RelationKind::HasMany { foreign_key },
            wit::RelationKind::HasOne(foreign_key) => RelationKind::HasOne { foreign_key },
        };
        def.relations.push(RelationDef {
            name: r.name,
            target: r.target,
            kind,
            cascade_delete: r.cascade_delete,
        });
    }
    Ok(def)
}

fn side(s: wit::LinkSide) -> LinkSide {
    LinkSide {
        module: s.module,
        model: s.model,
        alias: s.alias,
        is_list: s.is_list,
        delete_cascade: s.delete_cascade,
        row_field: None,
        column: None,
    }
}

fn route_def(r: wit::RouteDef) -> Result<RouteDef, ManifestError> {
    let method = match r.method {
        wit::HttpMethod::Get => http::Method::GET,
        wit::HttpMethod::Post => http::Method::POST,
        wit::HttpMethod::Put => http::Method::PUT,
        wit::HttpMethod::Patch => http::Method::PATCH,
        wit::HttpMethod::Delete => http::Method::DELETE,
    };
    let path = r.path;
    let valid_segments = path.split('/').skip(1).all(|seg| {
        let name = seg.strip_prefix(':').unwrap_or(seg);
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    });
    if !path.starts_with('/') || !valid_segments {
        return Err(invalid(format!(
            "route path {path:?} must look like /admin/brands/:id"
        )));
    }
    let scope = if path == "/store" || path.starts_with("/store/") {
        RouteScope::Store
    } else if path == "/admin" || path.starts_with("/admin/") {
        RouteScope::Admin
    } else if path.starts_with("/auth/") || path == "/health" || path == "/openapi.json" {
        return Err(invalid(format!("route {path} is reserved for the host")));
    } else {
        RouteScope::Public
    };
    Ok(RouteDef {
        method,
        path,
        scope,
    })
}

/// `every 30s` / `every 5m` / `every 1h`, or a cron expression.
pub fn parse_schedule(raw: &str) -> Result<Schedule, String> {
    if let Some(every) = raw.trim().strip_prefix("every ") {
        let every = every.trim();
        let (digits, unit) = every.split_at(every.len().saturating_sub(1));
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("cannot read the interval {every:?}"))?;
        let secs = match unit {
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            _ => return Err(format!("interval {every:?} must end in s, m or h")),
        };
        if secs == 0 {
            return Err("the interval must be positive".into());
        }
        return Ok(Schedule::Every(Duration::from_secs(secs)));
    }
    Schedule::cron(raw).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_paths_become_axum_paths_and_scopes() {
        let r = route_def(wit::RouteDef {
            method: wit::HttpMethod::Get,
            path: "/admin/brands/:id".into(),
        })
        .unwrap();
        assert_eq!(r.scope, RouteScope::Admin);
        assert_eq!(r.axum_path(), "/admin/brands/{id}");
        for bad in ["admin/x", "/admin//x", "/auth/user/x", "/store/{id}"] {
            assert!(
                route_def(wit::RouteDef {
                    method: wit::HttpMethod::Get,
                    path: bad.into()
                })
                .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn schedules_parse() {
        assert!(matches!(parse_schedule("every 5m"), Ok(Schedule::Every(d)) if d.as_secs() == 300));
        assert!(parse_schedule("0 0 * * *").is_ok());
        assert!(parse_schedule("every 0s").is_err());
        assert!(parse_schedule("every soon").is_err());
    }
}
