//! What a route handler receives and returns.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::bindings::medusa::plugin::types as wit;
use crate::{Error, Method, Result};

/// Who made the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Customer(String),
    User(String),
}

/// An HTTP request routed to the plugin.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// The route as declared (`/admin/brands/:id`).
    pub route: String,
    pub path: String,
    pub params: BTreeMap<String, String>,
    /// Query parameters (the last value wins for repeated keys).
    pub query: BTreeMap<String, String>,
    pub body: Option<Value>,
    pub actor: Option<Actor>,
    /// Sales channels of the publishable key (store routes).
    pub sales_channel_ids: Vec<String>,
    pub request_id: String,
}

impl Request {
    #[doc(hidden)]
    pub fn from_wit(r: wit::Request) -> Result<Self> {
        let body = match r.body {
            Some(text) => Some(serde_json::from_str(&text)?),
            None => None,
        };
        let actor = r.actor.and_then(|a| match a.actor_type.as_str() {
            "customer" => Some(Actor::Customer(a.actor_id)),
            "user" => Some(Actor::User(a.actor_id)),
            _ => None,
        });
        Ok(Self {
            method: r.method,
            route: r.route,
            path: r.path,
            params: r.params.into_iter().collect(),
            query: r.query.into_iter().collect(),
            body,
            actor,
            sales_channel_ids: r.sales_channel_ids,
            request_id: r.request_id,
        })
    }

    /// Whether this is `method` on the route declared as `route`.
    pub fn is(&self, method: Method, route: &str) -> bool {
        self.method == method && self.route == route
    }

    /// A path parameter (`:id`).
    pub fn param(&self, name: &str) -> Result<&str> {
        self.params
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| Error::invalid_data(format!("missing path parameter {name}")))
    }

    /// The JSON body as `T`; a missing or malformed body is `invalid_data`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        let body = self
            .body
            .clone()
            .ok_or_else(|| Error::invalid_data("a JSON body is required"))?;
        Ok(serde_json::from_value(body)?)
    }

    /// The logged-in customer's id, if a customer is logged in.
    pub fn customer_id(&self) -> Option<&str> {
        match &self.actor {
            Some(Actor::Customer(id)) => Some(id),
            _ => None,
        }
    }

    /// The logged-in user's id (always set on `/admin` routes).
    pub fn user_id(&self) -> Option<&str> {
        match &self.actor {
            Some(Actor::User(id)) => Some(id),
            _ => None,
        }
    }
}

/// An HTTP answer with a JSON body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

impl Response {
    /// `200` with `body`.
    pub fn ok(body: impl Serialize) -> Result<Self> {
        Self::json(200, body)
    }

    pub fn json(status: u16, body: impl Serialize) -> Result<Self> {
        Ok(Self {
            status,
            body: serde_json::to_value(body)?,
        })
    }

    #[doc(hidden)]
    pub fn into_wit(self) -> wit::Response {
        wit::Response {
            status: self.status,
            body: self.body.to_string(),
        }
    }
}
