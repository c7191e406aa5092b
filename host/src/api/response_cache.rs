//! A response cache for the store catalogue (products, variants, regions,
//! currencies, collections, categories): the reads a storefront repeats on
//! every page view.
//!
//! An entry is keyed by publishable key and URI and remembers the catalogue
//! and stock generations ([`crate::db::changes`]) it was computed under; any
//! committed write to a catalogue or stock table moves one, so the next read
//! misses and recomputes. Requests that carry credentials bypass the cache (prices may one
//! day depend on the customer), and only `200` JSON answers are kept.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::Body as _;

use crate::app::AppState;
use crate::config::CacheConfig;
use crate::db::changes;

/// Largest body kept, in bytes (bigger answers are served but not cached).
const MAX_ENTRY_BYTES: usize = 2 * 1024 * 1024;

/// Cached catalogue answers.
pub struct ResponseCache {
    entries: Option<moka::sync::Cache<String, Arc<Entry>>>,
}

struct Entry {
    generation: u64,
    /// Answers may show stock (`inventory_quantity`): they go stale with it.
    stock_generation: u64,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

impl ResponseCache {
    pub fn new(config: &CacheConfig) -> Self {
        let entries = config.enabled.then(|| {
            moka::sync::Cache::builder()
                .max_capacity(config.max_mb.saturating_mul(1024 * 1024))
                .weigher(|key: &String, entry: &Arc<Entry>| {
                    u32::try_from(key.len() + entry.body.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(Duration::from_secs(config.ttl_secs.max(1)))
                .build()
        });
        Self { entries }
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let entry = self.entries.as_ref()?.get(key)?;
        (entry.generation == changes::generation()
            && entry.stock_generation == changes::stock_generation())
        .then_some(entry)
    }

    fn put(&self, key: String, entry: Entry) {
        if let Some(entries) = &self.entries {
            entries.insert(key, Arc::new(entry));
        }
    }
}

/// Middleware: serve a fresh cached answer, or compute and keep it.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cache = state.response_cache();
    let Some(key) = cache_key(&request).filter(|_| cache.entries.is_some()) else {
        return next.run(request).await;
    };
    if let Some(entry) = cache.get(&key) {
        return respond(&entry, "HIT");
    }
    // Read before computing: a write committed meanwhile makes this entry stale.
    let generation = changes::generation();
    let stock_generation = changes::stock_generation();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let fits = response
        .body()
        .size_hint()
        .upper()
        .is_some_and(|n| n <= MAX_ENTRY_BYTES as u64);
    if !fits {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_ENTRY_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot read a catalogue answer");
            return crate::api::error::ApiError::unknown().into_response();
        }
    };
    let entry = Entry {
        generation,
        stock_generation,
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        body,
    };
    let mut response = Response::from_parts(parts, Body::from(entry.body.clone()));
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static("MISS"));
    cache.put(key, entry);
    response
}

/// The key of a cacheable request, or `None` when it must not be cached.
fn cache_key(request: &Request) -> Option<String> {
    if request.method() != Method::GET {
        return None;
    }
    let headers = request.headers();
    if headers.contains_key(header::AUTHORIZATION) || headers.contains_key(header::COOKIE) {
        return None;
    }
    let key = headers
        .get("x-publishable-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Some(format!("{key} {}", request.uri()))
}

fn respond(entry: &Entry, status: &'static str) -> Response {
    let mut response = Response::new(Body::from(entry.body.clone()));
    if let Some(content_type) = &entry.content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static(status));
    response
}
