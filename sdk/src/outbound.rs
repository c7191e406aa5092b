//! Outbound HTTP from a plugin, to hosts it requests in its manifest
//! ([`crate::Manifest::requests_http_hosts`]) and the merchant grants in
//! `medusa-config.toml` (`grants = { http_hosts = ["api.example.com"] }`).
//! Anything else comes back as a `not_allowed` [`crate::Error`].
//!
//! ```ignore
//! let answer = outbound::get("https://cms.example.com/brands")?;
//! let brands: serde_json::Value = answer.json()?;
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Result;
use crate::bindings::medusa::plugin::host as wit;

/// What came back.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The body as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        Ok(serde_json::from_str(&self.body)?)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends `method` to `url` with `headers` and an optional `body`.
pub fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Result<Response> {
    let request = wit::OutboundRequest {
        method: method.to_owned(),
        url: url.to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body,
    };
    let answer = wit::http_fetch(&request)?;
    Ok(Response {
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
    })
}

/// `GET url`.
pub fn get(url: &str) -> Result<Response> {
    fetch("GET", url, &[], None)
}

/// `POST url` with a JSON body.
pub fn post_json(url: &str, body: &impl Serialize) -> Result<Response> {
    fetch(
        "POST",
        url,
        &[("content-type", "application/json")],
        Some(serde_json::to_string(body)?),
    )
}
