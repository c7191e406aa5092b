//! Events: written to an outbox in the same transaction as the change they
//! report, then delivered to subscribers at least once.

pub mod outbox;
