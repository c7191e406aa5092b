//! Shares catalogue changes between hosts: each commit that touched catalogue
//! tables ([`crate::db::changes`]) is published on the Redis channel
//! `<namespace>:catalogue-changed`, and a notice from another host moves this
//! host's catalogue generation, so its read caches drop what they hold.
//! After a lost connection the generation moves too (notices may have been
//! missed while it was down).

use std::time::Duration;

use futures::StreamExt;

use crate::config::RedisUrl;
use crate::db::changes;

/// Runs until `shutdown` resolves, reconnecting with a bounded backoff.
pub async fn run(
    url: RedisUrl,
    namespace: String,
    host_id: String,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let channel = format!("{namespace}:catalogue-changed");
    let work = async {
        let mut backoff = Duration::from_millis(200);
        loop {
            match relay(&url, &channel, &host_id).await {
                Ok(()) => backoff = Duration::from_millis(200),
                Err(error) => {
                    tracing::warn!(%error, "catalogue change feed interrupted; reconnecting");
                }
            }
            changes::bump();
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
    };
    tokio::select! {
        () = work => {}
        () = shutdown => {}
    }
}

/// Publishes local commits and applies peers' until the connection fails.
async fn relay(url: &RedisUrl, channel: &str, host_id: &str) -> Result<(), redis::RedisError> {
    let client = redis::Client::open(url.as_str())?;
    let mut publisher = client.get_multiplexed_async_connection().await?;
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    let mut notices = pubsub.on_message();
    let mut local = changes::subscribe();
    loop {
        tokio::select! {
            notice = notices.next() => {
                let Some(notice) = notice else { return Ok(()) };
                let from: String = notice.get_payload().unwrap_or_default();
                if from != host_id {
                    changes::bump();
                }
            }
            committed = local.recv() => {
                if let Err(tokio::sync::broadcast::error::RecvError::Closed) = committed {
                    return Ok(());
                }
                // Lagged receivers still publish once: peers only need to know.
                let _: i64 = redis::cmd("PUBLISH")
                    .arg(channel)
                    .arg(host_id)
                    .query_async(&mut publisher)
                    .await?;
            }
        }
    }
}
