//! Events: written to the outbox in the same transaction as the change they
//! report, then delivered to subscribers at least once, with retries, backoff
//! and a dead-letter state. In-process (database-backed deliveries) by
//! default; through Redis Streams with one consumer group per subscriber when
//! Redis is configured, so that with several hosts each subscriber handles
//! each event once.

mod bus;
mod local;
pub mod outbox;
mod redis_streams;
mod subscriber;

pub use bus::{EventBus, EventBusConfig, EventError, Transport};
pub use outbox::Audience;
pub use subscriber::{Event, Subscriber, SubscriberError, SubscriberFuture};
