//! The module registry: every module (native or plugin) with its data models,
//! and the links between them. Each module gets a service bound to its own
//! models only; links and query are the only ways across.

mod index_upgrade;
mod migrate;
mod registry;

pub use migrate::{
    MigrateModulesError, ModuleMigrationReport, migrate_modules, pending_module_changes,
};
pub use registry::{LinkEnd, Registry, RegistryError};
