//! The Redis transport: outbox events are relayed to the stream
//! `<namespace>:events`; every subscriber is a consumer group on it and every
//! host a consumer, so each subscriber sees each event once across hosts.
//! Failed deliveries stay pending and are claimed again after their backoff;
//! after the last attempt they move to `<namespace>:events:dead`.

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use redis::streams::{StreamId, StreamReadOptions, StreamReadReply};
use serde_json::Value;

use crate::config::RedisUrl;
use crate::db::Exec;

use super::bus::EventError;
use super::{Event, EventBus, Subscriber};

fn field(msg: &StreamId, key: &str) -> String {
    msg.get::<String>(key).unwrap_or_default()
}

impl EventBus {
    async fn connection(&self, url: &RedisUrl) -> Result<ConnectionManager, EventError> {
        let conn = self
            .redis
            .get_or_try_init(|| async {
                let client = redis::Client::open(url.as_str())?;
                ConnectionManager::new(client).await
            })
            .await?;
        Ok(conn.clone())
    }

    pub(super) async fn dispatch_redis(
        &self,
        url: &RedisUrl,
        namespace: &str,
    ) -> Result<usize, EventError> {
        let mut conn = self.connection(url).await?;
        let stream = format!("{namespace}:events");
        self.relay(&mut conn, &stream).await?;
        let mut attempted = 0;
        for sub in self.subscribers() {
            let group = format!("{namespace}:sub:{}", sub.id());
            self.ensure_group(&mut conn, &stream, &group).await?;
            attempted += self
                .retry_pending(&mut conn, &stream, &group, namespace, sub.as_ref())
                .await?;
            let opts = StreamReadOptions::default()
                .group(&group, &self.config.host_id)
                .count(50);
            let reply: StreamReadReply = conn.xread_options(&[&stream], &[">"], &opts).await?;
            for key in reply.keys {
                for msg in key.ids {
                    attempted += 1;
                    self.deliver(&mut conn, &stream, &group, sub.as_ref(), &msg, 1)
                        .await?;
                }
            }
        }
        Ok(attempted)
    }

    /// Moves pending outbox events to the stream (claim, XADD, then commit).
    async fn relay(&self, conn: &mut ConnectionManager, stream: &str) -> Result<(), EventError> {
        for event in self.pending_outbox(100).await? {
            let (Some(id), Some(name)) = (event["id"].as_str(), event["name"].as_str()) else {
                continue;
            };
            let mut tx = self.db.begin().await?;
            if !self
                .claim_outbox(&mut Exec::Tx(&mut tx), id, "relayed")
                .await?
            {
                continue;
            }
            let data = event
                .get("data")
                .cloned()
                .unwrap_or(Value::Null)
                .to_string();
            let _: String = conn
                .xadd(
                    stream,
                    "*",
                    &[("id", id), ("name", name), ("data", data.as_str())],
                )
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    async fn ensure_group(
        &self,
        conn: &mut ConnectionManager,
        stream: &str,
        group: &str,
    ) -> Result<(), EventError> {
        if self
            .groups
            .lock()
            .map(|g| g.contains(group))
            .unwrap_or(false)
        {
            return Ok(());
        }
        let created: Result<(), redis::RedisError> =
            conn.xgroup_create_mkstream(stream, group, "0").await;
        match created {
            Ok(()) => {}
            Err(e) if e.code() == Some("BUSYGROUP") => {}
            Err(e) => return Err(e.into()),
        }
        if let Ok(mut groups) = self.groups.lock() {
            groups.insert(group.to_owned());
        }
        Ok(())
    }

    /// Claims deliveries that failed (or whose consumer died) once their
    /// backoff has passed; dead-letters those out of attempts.
    async fn retry_pending(
        &self,
        conn: &mut ConnectionManager,
        stream: &str,
        group: &str,
        namespace: &str,
        sub: &dyn Subscriber,
    ) -> Result<usize, EventError> {
        let pending: redis::streams::StreamPendingCountReply =
            conn.xpending_count(stream, group, "-", "+", 50).await?;
        let mut attempted = 0;
        for entry in pending.ids {
            let delivered = u32::try_from(entry.times_delivered).unwrap_or(u32::MAX);
            let min_idle = self.backoff(delivered).as_millis() as usize;
            if entry.last_delivered_ms < min_idle {
                continue;
            }
            let claimed: redis::streams::StreamClaimReply = conn
                .xclaim(stream, group, &self.config.host_id, min_idle, &[&entry.id])
                .await?;
            for msg in claimed.ids {
                if delivered >= self.config.max_attempts {
                    let dead = format!("{namespace}:events:dead");
                    let fields = [
                        ("id", field(&msg, "id")),
                        ("name", field(&msg, "name")),
                        ("data", field(&msg, "data")),
                        ("subscriber", sub.id().to_owned()),
                    ];
                    let _: String = conn.xadd(&dead, "*", &fields).await?;
                    let _: i64 = conn.xack(stream, group, &[&msg.id]).await?;
                    tracing::error!(event = %field(&msg, "name"), subscriber = sub.id(), "event dead-lettered");
                    continue;
                }
                attempted += 1;
                self.deliver(conn, stream, group, sub, &msg, delivered + 1)
                    .await?;
            }
        }
        Ok(attempted)
    }

    async fn deliver(
        &self,
        conn: &mut ConnectionManager,
        stream: &str,
        group: &str,
        sub: &dyn Subscriber,
        msg: &StreamId,
        attempt: u32,
    ) -> Result<(), EventError> {
        let name = field(msg, "name");
        if sub.wants(&name) {
            let id = field(msg, "id");
            let event = Event {
                idempotency_key: format!("{id}:{}", sub.id()),
                id,
                data: serde_json::from_str(&field(msg, "data")).unwrap_or(Value::Null),
                name,
                attempt,
            };
            if let Err(e) = sub.handle(&event).await {
                tracing::warn!(event = %event.name, subscriber = sub.id(), attempt, error = %e, "subscriber failed; will retry");
                return Ok(());
            }
        }
        let _: i64 = conn.xack(stream, group, &[&msg.id]).await?;
        Ok(())
    }
}
