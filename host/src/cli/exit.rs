//! What can make a command fail, and the exit code each failure gives
//! (sysexits-style, documented in the README).

use crate::config::ConfigError;
use crate::db::DbError;
use crate::flows::create_admin_user::CreateAdminUserError;
use crate::modules::{auth::AuthError, user::UserError};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Database(#[from] DbError),
    #[error("redis at {url}: {message}")]
    Redis { url: String, message: String },
    #[error("{pending} migration(s) pending: run `medusa db migrate` or `medusa start --migrate`")]
    PendingMigrations { pending: usize },
    #[error("{0} migration(s) pending")]
    MigrationsPending(usize),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Seed(#[from] crate::seed::SeedError),
    #[error("modules: {0}")]
    Registry(#[from] crate::framework::modules::RegistryError),
    #[error("plugins: {0}")]
    Plugin(#[from] crate::plugins::PluginLoadError),
    #[error("{0}")]
    Assemble(#[from] crate::runtime::AssembleError),
    #[error("module tables: {0}")]
    ModuleMigration(#[from] crate::framework::modules::MigrateModulesError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

impl CliError {
    /// 1 general, 2 usage (clap), 65 bad input, 69 a service is unreachable,
    /// 75 pending migrations, 78 configuration.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) => 78,
            Self::Database(DbError::Connect { .. } | DbError::Create { .. })
            | Self::Redis { .. } => 69,
            Self::Database(_) | Self::Serve(_) | Self::Bind { .. } => 1,
            Self::PendingMigrations { .. } => 75,
            Self::ModuleMigration(crate::framework::modules::MigrateModulesError::Db(_)) => 1,
            Self::ModuleMigration(_) => 75,
            Self::Registry(_) | Self::Plugin(_) | Self::Assemble(_) => 78,
            Self::Seed(_) => 1,
            Self::MigrationsPending(_) => 1,
            Self::InvalidInput(_) => 65,
        }
    }
}

impl From<CreateAdminUserError> for CliError {
    fn from(err: CreateAdminUserError) -> Self {
        match err {
            CreateAdminUserError::Db(e)
            | CreateAdminUserError::User(UserError::Db(e))
            | CreateAdminUserError::Auth(AuthError::Db(e)) => Self::Database(e),
            other => Self::InvalidInput(other.to_string()),
        }
    }
}
