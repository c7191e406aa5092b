//! Commerce-agnostic machinery shared by native modules and plugins: data
//! models and their tables, the module registry, links and query, workflows,
//! events and scheduled jobs.

pub mod change_feed;
pub mod data;
pub mod dml;
pub mod events;
pub mod id;
pub mod jobs;
pub mod links;
pub mod modules;
pub mod query;
pub mod redis;
pub mod workflows;
