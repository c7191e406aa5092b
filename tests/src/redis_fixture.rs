//! The Redis server tests use.

/// The Redis URL for tests (`MEDUSA_TEST_REDIS_URL`, default local), or `None`
/// (after saying so) when it is unreachable and services are not required.
pub async fn redis_url() -> Option<String> {
    let url =
        std::env::var("MEDUSA_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let reachable = async {
        let client = redis::Client::open(url.as_str())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    match tokio::time::timeout(std::time::Duration::from_secs(5), reachable).await {
        Ok(Ok(_)) => Some(url),
        outcome if !crate::services_required() => {
            eprintln!("SKIPPED: Redis unreachable at {url}: {outcome:?}");
            None
        }
        outcome => {
            panic!("Redis unreachable at {url} and MEDUSA_TEST_REQUIRE_SERVICES=1: {outcome:?}")
        }
    }
}
