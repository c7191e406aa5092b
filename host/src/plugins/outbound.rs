//! `http-fetch`: a plugin's outbound HTTP requests. Only `http`/`https` URLs
//! whose host the plugin requested AND `medusa-config.toml` granted
//! (`grants.http_hosts`) are sent; redirects are not followed (a redirect
//! could leave the granted hosts); the call's deadline bounds the request and
//! the plugin's payload limit bounds the request and response bodies.

use std::sync::OnceLock;
use std::time::Duration;

use super::bindings::host::{OutboundRequest, OutboundResponse};
use super::bindings::types::{self, ErrorKind};
use super::plugin::PluginShared;

fn error(kind: ErrorKind, message: impl Into<String>) -> types::Error {
    types::Error {
        kind,
        message: message.into(),
        code: None,
    }
}

/// One client for every plugin: connection reuse, no redirects.
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

/// Checks `request` against the plugin's grants and limits; the URL to send.
pub fn check(plugin: &PluginShared, request: &OutboundRequest) -> Result<url::Url, types::Error> {
    let url = url::Url::parse(&request.url).map_err(|e| {
        error(
            ErrorKind::InvalidData,
            format!("invalid URL {:?}: {e}", request.url),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(error(
            ErrorKind::InvalidData,
            format!(
                "only http and https URLs can be fetched, not {}",
                url.scheme()
            ),
        ));
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    if !plugin.may_fetch(host, port) {
        return Err(error(
            ErrorKind::NotAllowed,
            format!(
                "plugin {} may not send HTTP requests to {host}:{port}: the plugin must request it and medusa-config.toml must grant it (grants.http_hosts)",
                plugin.name
            ),
        ));
    }
    let body = request.body.as_deref().map_or(0, str::len);
    if body > plugin.limits.max_payload_bytes {
        return Err(error(
            ErrorKind::InvalidData,
            format!(
                "the request body is {body} bytes, over the plugin's payload limit of {}",
                plugin.limits.max_payload_bytes
            ),
        ));
    }
    Ok(url)
}

/// Sends a checked request, within `deadline`.
pub async fn send(
    plugin: &PluginShared,
    url: url::Url,
    request: OutboundRequest,
    deadline: Duration,
) -> Result<OutboundResponse, types::Error> {
    let method = reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| {
            error(
                ErrorKind::InvalidData,
                format!("invalid method {:?}", request.method),
            )
        })?;
    let mut builder = client().request(method, url.clone()).timeout(deadline);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = request.body {
        builder = builder.body(body);
    }
    let unreachable = |e: reqwest::Error| {
        error(
            ErrorKind::UnexpectedState,
            format!("HTTP request to {url} failed: {e}"),
        )
    };
    let mut response = builder.send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let limit = plugin.limits.max_payload_bytes;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > limit {
            return Err(error(
                ErrorKind::InvalidData,
                format!(
                    "the response from {url} is over the plugin's payload limit of {limit} bytes"
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(OutboundResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
