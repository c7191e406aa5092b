//! Core flows: writes that compose several modules.

pub mod create_admin_user;
