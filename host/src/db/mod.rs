//! Storage: one [`Database`] type over SQLite (the embedded default) and
//! PostgreSQL, so that every other part of the host has a single code path.
//!
//! SQL is built with sea-query and bound per dialect; the dialect never leaks
//! out of this module. Writes go through [`Transaction`].

mod batch;
pub mod catalogue_reads;
pub mod changes;
pub mod codec;
mod connect;
mod error;
mod exec;
mod migrate;
pub mod table;
mod transaction;

pub use batch::Write;
pub use codec::{ColumnKind, ColumnSpec};
pub use connect::{Database, Dialect};
pub use error::DbError;
pub use exec::Exec;
pub use migrate::{MigrationState, MigrationStatus};
pub use transaction::Transaction;
