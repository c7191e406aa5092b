//! The data layer of modules: tables from data models, the migrations between
//! two versions of a description, and the generic module service (CRUD with
//! Medusa's filters) that reads and writes rows as JSON objects.
//!
//! The SQL dialect is a detail of this folder: callers pass models and JSON.

pub mod ddl;
pub mod embed;
pub mod filter;
pub mod plan;
pub mod service;
pub mod snapshot;
pub mod statements;
pub mod values;

pub use plan::{Change, MigrationPlan};
pub use service::{
    BoxFut, FindOptions, LinkExpander, ModuleService, OrderBy, Row, ServiceError, project,
};
