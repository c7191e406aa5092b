//! Redis connections (the event bus and job leases between hosts use them).

use crate::config::RedisUrl;

/// Connects to `url` and checks that it answers `PING`.
pub async fn ping(url: &RedisUrl) -> Result<(), redis::RedisError> {
    let client = redis::Client::open(url.as_str())?;
    let mut conn = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "connection timed out")))??;
    let _: String = redis::cmd("PING").query_async(&mut conn).await?;
    Ok(())
}
