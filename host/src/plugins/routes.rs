//! Plugin routes on the HTTP router, behind the same middleware as native
//! ones: `/store` routes get the publishable key's sales channels and the
//! customer when logged in; `/admin` routes need an authenticated user. Each
//! request becomes one call into the plugin.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};

use super::PluginHost;
use super::bindings::types;
use super::call::PluginError;
use super::manifest::{RouteDef, RouteScope};
use super::plugin::LoadedPlugin;
use crate::api::auth_token::{MaybeAuth, unauthorized};
use crate::api::error::{ApiError, ErrorType};
use crate::api::publishable_key::PublishableKey;
use crate::app::AppState;

/// The routes of `scope`, with paths relative to the family prefix
/// (`/brands` for `/admin/brands`, or the full path for public routes).
///
/// A route whose path has the shape of a native route's (`native`, same
/// segments with any parameter names) is not mounted: it would shadow or
/// collide with the host's own. It is logged as an error instead.
pub fn router(
    host: &PluginHost,
    scope: RouteScope,
    prefix: &str,
    native: &BTreeSet<String>,
) -> Router<AppState> {
    let taken: BTreeSet<String> = native.iter().map(|p| shape(p)).collect();
    let mut by_path: BTreeMap<String, MethodRouter<AppState>> = BTreeMap::new();
    for (plugin, route) in host.routes(scope) {
        let full = route.axum_path();
        if taken.contains(&shape(&full)) {
            tracing::error!(
                plugin = %plugin.shared.name,
                route = %format!("{} {}", route.method, route.path),
                "plugin route not mounted: it collides with a native route"
            );
            continue;
        }
        let path = full.strip_prefix(prefix).unwrap_or(&full);
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        };
        let Ok(filter) = MethodFilter::try_from(route.method.clone()) else {
            continue;
        };
        let route = Arc::new(route);
        let handler = move |State(state): State<AppState>, request: Request| {
            let (plugin, route) = (plugin.clone(), route.clone());
            async move { handle(state, plugin, route, request).await }
        };
        let entry = by_path.remove(&path).unwrap_or_default();
        by_path.insert(path, entry.on(filter, handler));
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(&path, methods)
        })
}

/// A path with its parameter names erased: `/store/products/{}`.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Plugin routes in the OpenAPI document (those that were mounted).
pub fn document(host: &PluginHost, docs: &mut utoipa::openapi::OpenApi, native: &BTreeSet<String>) {
    let taken: BTreeSet<String> = native.iter().map(|p| shape(p)).collect();
    use utoipa::openapi::ResponseBuilder;
    use utoipa::openapi::path::{HttpMethod, OperationBuilder};
    for plugin in &host.plugins {
        for route in &plugin.manifest.routes {
            if taken.contains(&shape(&route.axum_path())) {
                continue;
            }
            let method = match route.method.as_str() {
                "GET" => HttpMethod::Get,
                "POST" => HttpMethod::Post,
                "PUT" => HttpMethod::Put,
                "PATCH" => HttpMethod::Patch,
                _ => HttpMethod::Delete,
            };
            let operation = OperationBuilder::new()
                .tag(format!("Plugin: {}", plugin.shared.name))
                .summary(Some(format!(
                    "{} {} (plugin {})",
                    route.method, route.path, plugin.shared.name
                )))
                .response(
                    "200",
                    ResponseBuilder::new()
                        .description("The plugin's answer")
                        .build(),
                )
                .build();
            docs.paths
                .add_path_operation(route.axum_path(), vec![method], operation);
        }
    }
}

async fn handle(
    state: AppState,
    plugin: Arc<LoadedPlugin>,
    route: Arc<RouteDef>,
    request: Request,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let MaybeAuth(claims) = match MaybeAuth::from_request_parts(&mut parts, &state).await {
        Ok(auth) => auth,
        Err(e) => return e.into_response(),
    };
    let actor = claims
        .filter(|c| !c.actor_id.is_empty())
        .map(|c| types::Actor {
            actor_type: c.actor_type,
            actor_id: c.actor_id,
        });
    let admin = parts
        .extensions
        .get::<crate::api::admin_auth::AdminActor>()
        .cloned();
    let actor = match route.scope {
        // The admin middleware admitted a user (bearer or session) or a secret key.
        RouteScope::Admin => match admin {
            Some(a) => Some(types::Actor {
                actor_type: a.actor_type,
                actor_id: a.actor_id,
            }),
            None => return unauthorized(),
        },
        RouteScope::Store => actor.filter(|a| a.actor_type == "customer"),
        RouteScope::Public => actor,
    };
    let params = match RawPathParams::from_request_parts(&mut parts, &state).await {
        Ok(raw) => raw
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Err(e) => return e.into_response(),
    };
    let query = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let sales_channel_ids = parts
        .extensions
        .get::<PublishableKey>()
        .map(|k| k.sales_channel_ids.clone())
        .unwrap_or_default();
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = match read_body(body, plugin.shared.limits.max_payload_bytes).await {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    let method = match parts.method.as_str() {
        "POST" => types::HttpMethod::Post,
        "PUT" => types::HttpMethod::Put,
        "PATCH" => types::HttpMethod::Patch,
        "DELETE" => types::HttpMethod::Delete,
        _ => types::HttpMethod::Get,
    };
    let request = types::Request {
        method,
        route: route.path.clone(),
        path: parts.uri.path().to_owned(),
        params,
        query,
        body,
        actor,
        sales_channel_ids,
        request_id,
    };
    match plugin.call_route(request).await {
        Ok(answer) => {
            let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
            (status, axum::Json(answer.body)).into_response()
        }
        Err(e) => api_error(e).into_response(),
    }
}

/// The body as JSON text: empty is none; anything else must be JSON.
async fn read_body(body: Body, limit: usize) -> Result<Option<String>, ApiError> {
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            ErrorType::InvalidData,
            format!("The request body is over {limit} bytes"),
        )
        .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::invalid_data("The request body is not UTF-8"))?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| ApiError::invalid_data(format!("The request body is not JSON: {e}")))?;
    Ok(Some(text))
}

/// A failed plugin call as Medusa's error: domain errors keep their type;
/// a busy plugin is 503; traps and timeouts are 500s naming the plugin.
pub fn api_error(error: PluginError) -> ApiError {
    use types::ErrorKind as K;
    match error {
        PluginError::Domain(e) => {
            let kind = match e.kind {
                K::InvalidData => ErrorType::InvalidData,
                K::NotFound => ErrorType::NotFound,
                K::NotAllowed => ErrorType::NotAllowed,
                K::Unauthorized => ErrorType::Unauthorized,
                K::DuplicateError => ErrorType::DuplicateError,
                K::Conflict => ErrorType::Conflict,
                K::UnexpectedState => ErrorType::UnexpectedState,
            };
            let mut api = ApiError::new(kind, e.message);
            if let Some(code) = e.code {
                api = api.with_code(code);
            }
            api
        }
        busy @ PluginError::Busy { .. } => {
            ApiError::new(ErrorType::UnexpectedState, busy.to_string())
                .with_status(StatusCode::SERVICE_UNAVAILABLE)
        }
        other => ApiError::new(ErrorType::UnexpectedState, other.to_string()),
    }
}
