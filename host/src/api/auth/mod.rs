//! The Auth API (`/auth`): email + password registration and login for
//! customers and users, token refresh, and cookie sessions (§1.3).

mod emailpass;
mod session;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(emailpass::login))
        .routes(routes!(emailpass::register))
        .routes(routes!(emailpass::refresh))
        .routes(routes!(session::open, session::close))
}
