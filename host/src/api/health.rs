//! `GET /health`: answers `OK` while the host can reach its database.

use axum::extract::State;

use super::error::ApiError;
use crate::app::AppState;

/// Liveness and readiness of the host.
#[utoipa::path(
    get,
    path = "/health",
    tag = "Health",
    responses(
        (status = 200, description = "The host is serving and its database answers", body = String, content_type = "text/plain"),
        (status = 500, description = "The database does not answer", body = super::error::ErrorBody),
    )
)]
pub async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.db().ping().await?;
    Ok("OK")
}
