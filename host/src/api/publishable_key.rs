//! `x-publishable-api-key` on every `/store` route (§1.2): the key must exist,
//! be publishable and not revoked; its sales channels scope the request.
//! Lookups are cached for a few seconds (a revoked key stops working within
//! that time).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::error::ApiError;
use crate::app::AppState;
use crate::db::Exec;
use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;

const CACHE_TTL: Duration = Duration::from_secs(5);

/// The publishable key of a storefront request.
#[derive(Debug, Clone)]
pub struct PublishableKey {
    pub id: String,
    pub sales_channel_ids: Vec<String>,
}

/// Recently validated keys.
#[derive(Default)]
pub struct KeyCache {
    entries: RwLock<HashMap<String, (Instant, Option<PublishableKey>)>>,
}

async fn lookup(state: &AppState, token: &str) -> Result<Option<PublishableKey>, ApiError> {
    let request = GraphRequest {
        entity: "api_key".into(),
        fields: FieldTree::from_paths(["id", "type", "revoked_at", "sales_channels.id"]),
        filters: json!({ "token": token, "type": "publishable" }),
        ..Default::default()
    };
    let result = state
        .runtime()
        .query
        .graph(&mut Exec::Db(state.db()), &request)
        .await
        .map_err(ApiError::from)?;
    let Some(key) = result.data.into_iter().next() else {
        return Ok(None);
    };
    let revoked = key["revoked_at"]
        .as_str()
        .is_some_and(|at| at <= crate::db::codec::format_timestamp(chrono::Utc::now()).as_str());
    if revoked {
        return Ok(None);
    }
    Ok(Some(PublishableKey {
        id: key["id"].as_str().unwrap_or_default().to_owned(),
        sales_channel_ids: key["sales_channels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|sc| sc["id"].as_str().map(str::to_owned))
            .collect(),
    }))
}

/// Middleware: rejects `/store` requests without a valid publishable key.
pub async fn require(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get("x-publishable-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if token.is_empty() {
        return ApiError::not_allowed(
            "Publishable API key required in the request header: x-publishable-api-key. You can manage your keys in settings in the dashboard.",
        )
        .into_response();
    }
    let cache = state.key_cache();
    let cached = cache.entries.read().ok().and_then(|e| {
        e.get(&token)
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, k)| k.clone())
    });
    let key = match cached {
        Some(key) => key,
        None => match lookup(&state, &token).await {
            Ok(key) => {
                if let Ok(mut entries) = cache.entries.write() {
                    if entries.len() > 10_000 {
                        entries.clear();
                    }
                    entries.insert(token, (Instant::now(), key.clone()));
                }
                key
            }
            Err(e) => return e.into_response(),
        },
    };
    match key {
        Some(key) => {
            request.extensions_mut().insert(key);
            next.run(request).await
        }
        None => {
            ApiError::not_allowed("A valid publishable key is required to proceed with the request")
                .into_response()
        }
    }
}

impl PublishableKey {
    /// The channels a product request may see; `requested` must be within them.
    pub fn product_channels(
        &self,
        requested: Option<Vec<String>>,
    ) -> Result<Vec<String>, ApiError> {
        if self.sales_channel_ids.is_empty() {
            return Err(ApiError::invalid_data(
                "Publishable key needs to have a sales channel configured",
            ));
        }
        match requested {
            Some(ids) if ids.iter().any(|id| !self.sales_channel_ids.contains(id)) => {
                Err(ApiError::invalid_data(
                    "Requested sales channel is not part of the publishable key",
                ))
            }
            Some(ids) => Ok(ids),
            None => Ok(self.sales_channel_ids.clone()),
        }
    }

    /// The channel a new cart gets (§1.2 cart rules).
    pub fn cart_channel(
        &self,
        requested: Option<&str>,
        store_default: Option<&str>,
    ) -> Result<Option<String>, Box<Response>> {
        let errors = |message: String| {
            Box::new((
                axum::http::StatusCode::BAD_REQUEST,
                axum::Json(json!({ "errors": [message], "message": "Provided request body contains errors. Please check the data and retry the request" })),
            )
                .into_response())
        };
        match (requested, self.sales_channel_ids.len()) {
            (Some(id), n) if n > 0 && !self.sales_channel_ids.iter().any(|s| s == id) => Err(errors(format!(
                "Sales channel ID in payload {id} is not associated with the Publishable API Key in the header."
            ))),
            (Some(id), _) => Ok(Some(id.to_owned())),
            (None, 1) => Ok(self.sales_channel_ids.first().cloned()),
            (None, 0) => Ok(store_default.map(str::to_owned)),
            (None, _) => Err(errors(
                "Cannot assign sales channel to cart. The Publishable API Key in the header has multiple associated sales channels. Please provide a sales channel ID in the request body.".into(),
            )),
        }
    }
}
