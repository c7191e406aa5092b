//! The merchant's configuration: `medusa-config.toml`, `${VAR}` interpolation and
//! environment overrides, validated into typed values.
//!
//! Every problem is reported once, naming the key (and the line, for the file) so
//! that a merchant can fix it without reading our source.

mod error;
mod interpolate;
mod load;
mod types;

pub use error::ConfigError;
pub use load::{DEFAULT_CONFIG_FILE, load, load_from_str};
pub use types::{
    CacheConfig, Config, CorsOrigins, DEFAULT_SECRET, DatabaseConfig, DatabaseUrl, EventsConfig,
    HttpConfig, PluginConfig, PluginGrants, PluginLimitsConfig, RedisConfig, RedisUrl,
    WorkflowsConfig,
};
