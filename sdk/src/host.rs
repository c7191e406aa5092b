//! What the host offers a plugin: its modules' data, `query.graph`, links,
//! workflows, events, logging and its options. Every call is checked by the
//! host: a module service reaches only its module; routes, subscribers,
//! steps and jobs reach the plugin's modules and those granted to it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Result;
use crate::bindings::medusa::plugin::host as wit;

fn to_text(value: &impl Serialize) -> Result<String> {
    Ok(serde_json::to_string(value)?)
}

fn from_text<T: DeserializeOwned>(text: &str) -> Result<T> {
    Ok(serde_json::from_str(text)?)
}

/// The plugin's `options` from `medusa-config.toml` (`{}` when none).
pub fn options() -> Value {
    serde_json::from_str(&wit::options()).unwrap_or(Value::Null)
}

/// Module data: CRUD with Medusa filters on one model of one module.
pub mod data {
    use super::*;

    /// How to list.
    #[derive(Debug, Clone, Default)]
    pub struct List {
        /// Medusa filters: `{"name": "Acme"}`, `{"id": ["a", "b"]}`, `{"name": {"$like": "%a%"}}`.
        pub filters: Value,
        /// Field paths (empty: every column).
        pub fields: Vec<String>,
        /// `name` or `-created_at`.
        pub order: Option<String>,
        pub skip: u32,
        pub take: Option<u32>,
    }

    /// Rows matching `filters`.
    pub fn list<T: DeserializeOwned>(module: &str, model: &str, filters: Value) -> Result<Vec<T>> {
        list_with(
            module,
            model,
            List {
                filters,
                ..Default::default()
            },
        )
    }

    pub fn list_with<T: DeserializeOwned>(module: &str, model: &str, list: List) -> Result<Vec<T>> {
        let options = wit::ListOptions {
            filters: to_text(&list.filters)?,
            fields: list.fields,
            order: list.order,
            skip: list.skip,
            take: list.take,
        };
        from_text(&wit::list(module, model, &options)?)
    }

    pub fn count(module: &str, model: &str, filters: Value) -> Result<u64> {
        Ok(wit::count(module, model, &to_text(&filters)?)?)
    }

    /// One row by id (`not_found` otherwise).
    pub fn retrieve<T: DeserializeOwned>(module: &str, model: &str, id: &str) -> Result<T> {
        from_text(&wit::retrieve(module, model, id)?)
    }

    /// Creates a row (its id is generated) and returns it.
    pub fn create<T: DeserializeOwned>(
        module: &str,
        model: &str,
        data: &impl Serialize,
    ) -> Result<T> {
        from_text(&wit::create(module, model, &to_text(data)?)?)
    }

    pub fn update<T: DeserializeOwned>(
        module: &str,
        model: &str,
        id: &str,
        data: &impl Serialize,
    ) -> Result<T> {
        from_text(&wit::update(module, model, id, &to_text(data)?)?)
    }

    /// Deletes a row and its links.
    pub fn delete(module: &str, model: &str, id: &str) -> Result<()> {
        Ok(wit::delete(module, model, id)?)
    }
}

/// `query.graph`: an entity with fields across links (`["id", "brand.*"]`).
pub fn query<T: DeserializeOwned>(entity: &str, fields: &[&str], filters: Value) -> Result<Vec<T>> {
    query_page(entity, fields, filters, 0, None)
}

/// [`query`] for one page: `skip` rows, then at most `take`.
///
/// ```ignore
/// let page: Vec<Value> = query_page("brand", &["id", "name"], json!({}), 20, Some(10))?;
/// ```
pub fn query_page<T: DeserializeOwned>(
    entity: &str,
    fields: &[&str],
    filters: Value,
    skip: u32,
    take: Option<u32>,
) -> Result<Vec<T>> {
    let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    from_text(&wit::query_graph(
        entity,
        &fields,
        &to_text(&filters)?,
        skip,
        take,
    )?)
}

/// A record on one side of a link.
pub fn record<'a>(module: &'a str, model: &'a str, id: &'a str) -> (&'a str, &'a str, &'a str) {
    (module, model, id)
}

fn link_ref((module, model, id): (&str, &str, &str)) -> wit::LinkRef {
    wit::LinkRef {
        module: module.into(),
        model: model.into(),
        id: id.into(),
    }
}

/// Links two records (replacing the previous link where a side is single).
pub fn link(left: (&str, &str, &str), right: (&str, &str, &str)) -> Result<()> {
    Ok(wit::link(&link_ref(left), &link_ref(right))?)
}

/// Removes the link between two records.
pub fn dismiss(left: (&str, &str, &str), right: (&str, &str, &str)) -> Result<()> {
    Ok(wit::dismiss(&link_ref(left), &link_ref(right))?)
}

/// Runs a workflow and returns its result.
pub fn run_workflow<T: DeserializeOwned>(name: &str, input: &impl Serialize) -> Result<T> {
    from_text(&wit::run_workflow(name, &to_text(input)?)?)
}

/// Emits an event (inside a step: delivered only if the workflow succeeds).
pub fn emit(name: &str, data: &impl Serialize) -> Result<()> {
    Ok(wit::emit(name, &to_text(data)?)?)
}

/// Calls a service method of a (granted) plugin module.
pub fn call_module<T: DeserializeOwned>(
    module: &str,
    method: &str,
    args: &impl Serialize,
) -> Result<T> {
    from_text(&wit::call_module(module, method, &to_text(args)?)?)
}

/// Structured logging through the host (tagged with plugin and request).
pub mod log {
    use crate::bindings::medusa::plugin::host::{LogLevel, log};

    pub fn debug(message: &str) {
        log(LogLevel::Debug, message);
    }
    pub fn info(message: &str) {
        log(LogLevel::Info, message);
    }
    pub fn warn(message: &str) {
        log(LogLevel::Warn, message);
    }
    pub fn error(message: &str) {
        log(LogLevel::Error, message);
    }
}
