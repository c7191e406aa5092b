//! `query.graph`: reads an entity with fields from its own module and, through
//! module links, from other modules, in a constant number of queries per
//! level; filters may reach linked models too (subqueries on link tables).

pub mod fields;
mod graph;
mod link_rows;

pub use graph::{GraphRequest, GraphResult, Query, QueryError};
