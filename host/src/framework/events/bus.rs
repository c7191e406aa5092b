//! The event bus: subscribers, the transport, and the dispatcher loop.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;

use crate::config::RedisUrl;
use crate::db::{Database, DbError, Exec};

use super::Subscriber;

/// Why a dispatch round failed (it is retried on the next round).
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// How events travel from the outbox to subscribers.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Deliveries tracked in the database; handled by this process.
    Local,
    /// Relayed to a Redis stream; each subscriber is a consumer group, each
    /// host a consumer.
    Redis { url: RedisUrl, namespace: String },
}

/// Delivery policy.
#[derive(Debug, Clone)]
pub struct EventBusConfig {
    /// Attempts before an event is dead-lettered for a subscriber.
    pub max_attempts: u32,
    /// Delay before the second attempt; doubled for each further one.
    pub backoff: Duration,
    /// How long a delivery may run before another dispatcher may retry it.
    pub lease: Duration,
    /// How often the dispatcher looks for work when not woken up.
    pub poll_interval: Duration,
    /// How long a woken dispatcher waits before its round, so that the
    /// events of writes close together are handled in one round.
    pub coalesce: Duration,
    /// This host's name (the Redis consumer name).
    pub host_id: String,
}

impl Default for EventBusConfig {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            backoff: Duration::from_millis(500),
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_millis(250),
            coalesce: Duration::from_millis(10),
            host_id: crate::framework::id::generate_id("host"),
        }
    }
}

/// Subscribers and the dispatcher that feeds them.
pub struct EventBus {
    pub(super) redis: tokio::sync::OnceCell<redis::aio::ConnectionManager>,
    pub(super) groups: std::sync::Mutex<std::collections::HashSet<String>>,
    pub(super) db: Database,
    pub(super) transport: Transport,
    pub(super) config: EventBusConfig,
    pub(super) subscribers: RwLock<Vec<Arc<dyn Subscriber>>>,
    pub(super) wake: Notify,
    /// This process runs the dispatcher ([`EventBus::run`]), so its
    /// subscribers are the ones that would take this host's events.
    pub(super) dispatching: std::sync::atomic::AtomicBool,
}

impl EventBus {
    pub fn new(db: Database, transport: Transport, config: EventBusConfig) -> Arc<Self> {
        Arc::new(Self {
            redis: tokio::sync::OnceCell::new(),
            groups: std::sync::Mutex::new(std::collections::HashSet::new()),
            db,
            transport,
            config,
            subscribers: RwLock::new(Vec::new()),
            wake: Notify::new(),
            dispatching: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn subscribe(&self, subscriber: Arc<dyn Subscriber>) {
        if let Ok(mut subs) = self.subscribers.write() {
            subs.push(subscriber);
        }
    }

    pub(super) fn subscribers(&self) -> Vec<Arc<dyn Subscriber>> {
        self.subscribers
            .read()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Writes an event to the outbox inside `exec`; call [`EventBus::wake`]
    /// after the transaction commits for prompt delivery.
    pub async fn emit(
        &self,
        exec: &mut Exec<'_>,
        name: &str,
        data: &Value,
    ) -> Result<String, DbError> {
        let heard = super::Audience::hears(self, name);
        super::outbox::insert(exec, name, data, heard).await
    }

    /// Tells the dispatcher there is new work.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// One round of work: moves new outbox events on and delivers what is due.
    /// Returns how many deliveries were attempted.
    pub async fn dispatch_once(&self) -> Result<usize, EventError> {
        match &self.transport {
            Transport::Local => Ok(self.dispatch_local().await?),
            Transport::Redis { url, namespace } => self.dispatch_redis(url, namespace).await,
        }
    }

    /// Runs the dispatcher until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        self.dispatching
            .store(true, std::sync::atomic::Ordering::Relaxed);
        loop {
            let worked = match self.dispatch_once().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "event dispatch failed");
                    false
                }
            };
            if worked {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => tokio::time::sleep(self.config.coalesce).await,
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
    }

    /// Backoff before attempt `attempt + 1`.
    pub(super) fn backoff(&self, attempt: u32) -> Duration {
        self.config
            .backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
    }
}

impl super::Audience for EventBus {
    /// With the local transport, in a process that dispatches, an event is
    /// heard when a subscriber of this host wants it (every host runs the
    /// same subscribers, and this host's dispatcher would mark it
    /// dispatched the same way). A process that only writes events (a CLI
    /// command, a tool) leaves them all to a dispatcher; through Redis every
    /// event is relayed and the other hosts decide.
    fn hears(&self, name: &str) -> bool {
        let dispatching = self.dispatching.load(std::sync::atomic::Ordering::Relaxed);
        match self.transport {
            Transport::Local if dispatching => self.subscribers().iter().any(|s| s.wants(name)),
            _ => true,
        }
    }
}
