//! The HTTP API: the router with its middleware, built from the app state.
//!
//! Routes are grouped in three families, `/store`, `/admin` and `/auth`, each
//! with its own CORS origins and its own 404. Every route registered through
//! utoipa-axum joins `/openapi.json`.

pub mod admin;
pub mod admin_auth;
pub mod auth;
pub mod auth_token;
pub mod cors;
pub mod envelope;
pub mod error;
pub mod fallback;
pub mod health;
pub mod json;
pub mod list_query;
pub mod openapi;
pub mod publishable_key;
pub mod query_params;
pub mod read;
pub mod request_id;
pub mod response_cache;
pub mod session_cookie;
pub mod store;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::config::CorsOrigins;

/// Builds the whole HTTP application for `state`.
pub fn router(state: AppState) -> Router {
    let http = &state.config().http;
    let mut docs = openapi::ApiDoc::openapi();
    docs.info.version = env!("CARGO_PKG_VERSION").to_owned();

    let (root, root_docs) = OpenApiRouter::new()
        .routes(routes!(health::health))
        .split_for_parts();
    docs.merge(root_docs);

    let store_routes = store::catalogue_routes()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            response_cache::layer,
        ))
        .merge(store::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            publishable_key::require,
        ));
    let plugins = state.runtime().plugins.clone();
    let native = native_paths();
    let plugin_routes = |scope, prefix: &str| match &plugins {
        Some(host) => crate::plugins::routes::router(host, scope, prefix, &native),
        None => Router::new(),
    };
    let store_plugins = plugin_routes(crate::plugins::RouteScope::Store, "/store").layer(
        axum::middleware::from_fn_with_state(state.clone(), publishable_key::require),
    );
    let families = [
        ("/store", store_routes, store_plugins, &http.store_cors),
        (
            "/admin",
            admin::routes().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                admin_auth::require,
            )),
            plugin_routes(crate::plugins::RouteScope::Admin, "/admin").layer(
                axum::middleware::from_fn_with_state(state.clone(), admin_auth::require),
            ),
            &http.admin_cors,
        ),
        ("/auth", auth::routes(), Router::new(), &http.auth_cors),
    ];
    let mut app = root.merge(plugin_routes(crate::plugins::RouteScope::Public, ""));
    for (prefix, routes, extra, origins) in families {
        app = app.nest(prefix, family(prefix, routes, extra, origins, &mut docs));
    }
    if let Some(host) = &plugins {
        crate::plugins::routes::document(host, &mut docs, &native);
    }

    let docs = Arc::new(docs);
    app.route(
        "/openapi.json",
        get(move || async move { Json(docs.as_ref().clone()) }),
    )
    .fallback(fallback::not_found)
    .method_not_allowed_fallback(fallback::method_not_allowed)
    .layer(DefaultBodyLimit::max(http.max_body_bytes))
    .layer(CatchPanicLayer::custom(fallback::panic_response))
    .layer(
        TraceLayer::new_for_http()
            .make_span_with(request_id::request_span)
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(SetRequestIdLayer::x_request_id(
        request_id::MakeUlidRequestId,
    ))
    .with_state(state)
}

/// Every native route path (`/store/products/{id}`), for keeping plugin
/// routes from colliding with them.
fn native_paths() -> std::collections::BTreeSet<String> {
    let mut paths: std::collections::BTreeSet<String> =
        ["/health", "/openapi.json"].map(str::to_owned).into();
    let families = [
        ("/store", store::catalogue_routes().merge(store::routes())),
        ("/auth", auth::routes()),
        ("/admin", admin::routes()),
    ];
    for (prefix, routes) in families {
        let (_, docs) = routes.split_for_parts();
        paths.extend(docs.paths.paths.keys().map(|p| format!("{prefix}{p}")));
    }
    paths
}

/// One route family: its routes, a JSON 404 for the rest of its prefix, and its CORS.
fn family(
    prefix: &str,
    routes: OpenApiRouter<AppState>,
    plugin_routes: Router<AppState>,
    origins: &CorsOrigins,
    docs: &mut utoipa::openapi::OpenApi,
) -> Router<AppState> {
    let (router, family_docs) = routes.split_for_parts();
    docs.merge(utoipa::openapi::OpenApi::default().nest(prefix, family_docs));
    router
        .merge(plugin_routes)
        .fallback(fallback::not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(cors::cors_layer(origins))
}
