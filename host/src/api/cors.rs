//! CORS for one route family (`/store`, `/admin`, `/auth`), from its origins
//! in `[http]`. Credentials are allowed, as Medusa does.

use axum::http::{HeaderValue, Method};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::config::CorsOrigins;

/// The CORS layer for a family allowing `origins`.
pub fn cors_layer(origins: &CorsOrigins) -> CorsLayer {
    let allow_origin = if origins.allows_any() {
        AllowOrigin::mirror_request()
    } else {
        AllowOrigin::list(
            origins
                .0
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .max_age(std::time::Duration::from_secs(600))
}
