//! Commerce-agnostic machinery shared by native modules and plugins.

pub mod id;
pub mod redis;
