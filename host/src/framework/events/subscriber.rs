//! What a subscriber is and what it receives.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

/// An event as a subscriber receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub data: Value,
    /// `<event id>:<subscriber id>`: the same on every redelivery, so a
    /// subscriber can make its effect idempotent.
    pub idempotency_key: String,
    /// 1 on the first delivery.
    pub attempt: u32,
}

/// A failed delivery; it is retried with backoff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SubscriberError(pub String);

pub type SubscriberFuture<'a> =
    Pin<Box<dyn Future<Output = Result<(), SubscriberError>> + Send + 'a>>;

/// Something that reacts to events.
pub trait Subscriber: Send + Sync + 'static {
    /// Stable id (deliveries are tracked per subscriber).
    fn id(&self) -> &str;
    /// Event names it wants; `*` for all.
    fn events(&self) -> Vec<String>;
    fn handle<'a>(&'a self, event: &'a Event) -> SubscriberFuture<'a>;

    fn wants(&self, name: &str) -> bool {
        self.events().iter().any(|e| e == "*" || e == name)
    }
}
