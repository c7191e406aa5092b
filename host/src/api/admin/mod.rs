//! The Admin API (`/admin`, §3): every route needs an authenticated user,
//! user session or secret API key (the caller adds [`super::admin_auth`]).

mod api_keys;
mod resource;
pub mod resources;
mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    let plain = resources::ALL
        .iter()
        .fold(OpenApiRouter::new(), |router, resource| {
            router.merge(resource.router())
        });
    plain
        .routes(routes!(users::me))
        .routes(routes!(users::list))
        .routes(routes!(users::get))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(api_keys::get, api_keys::update, api_keys::delete))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(api_keys::sales_channels))
}
