//! Native commerce modules. Each folder owns its tables and never imports
//! another module's folder; flows compose them.

pub mod auth;
pub mod user;
