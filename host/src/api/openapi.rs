//! The OpenAPI document served at `/openapi.json`. Routes join it through
//! utoipa-axum's `routes!` as they are registered.

use utoipa::OpenApi;

use super::error::{ErrorBody, ErrorType};

/// The document's fixed part; paths are added by the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Medusa-rs API",
        description = "Medusa v2-compatible Store, Admin and Auth APIs served by medusa-rs.",
    ),
    components(schemas(ErrorBody, ErrorType)),
    tags(
        (name = "Health", description = "Host status"),
        (name = "Store", description = "Storefront API (needs x-publishable-api-key)"),
        (name = "Admin", description = "Back-office API (needs an authenticated user)"),
        (name = "Auth", description = "Identity: login, registration, sessions"),
    )
)]
pub struct ApiDoc;
