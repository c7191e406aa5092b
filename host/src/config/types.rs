//! The typed shape of `medusa-config.toml`. Unknown keys are rejected, so a typo
//! never silently falls back to a default.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

/// The development default for `http.jwt_secret` and `http.cookie_secret`;
/// `medusa start` refuses to run with it.
pub const DEFAULT_SECRET: &str = "supersecret";

/// The whole configuration of one host process.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub http: HttpConfig,
    pub plugins: Vec<PluginConfig>,
    pub workflows: WorkflowsConfig,
    pub events: EventsConfig,
    pub cache: CacheConfig,
    /// Options per module, keyed by module name (`[modules.product]`).
    pub modules: BTreeMap<String, toml::Table>,
    /// The folder relative paths are resolved against (the config file's folder).
    #[serde(skip)]
    pub project_dir: PathBuf,
}

impl Config {
    /// The options table of one module (empty when the config has none).
    pub fn module_options(&self, module: &str) -> toml::Table {
        self.modules.get(module).cloned().unwrap_or_default()
    }

    /// Fails when a secret still has its development default.
    pub fn ensure_production_secrets(&self) -> Result<(), super::ConfigError> {
        if self.http.jwt_secret == DEFAULT_SECRET {
            return Err(super::ConfigError::InsecureSecret {
                key: "http.jwt_secret",
                env: "JWT_SECRET",
            });
        }
        if self.http.cookie_secret == DEFAULT_SECRET {
            return Err(super::ConfigError::InsecureSecret {
                key: "http.cookie_secret",
                env: "COOKIE_SECRET",
            });
        }
        Ok(())
    }
}

/// `[database]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://medusa.db` (relative to the project folder), `sqlite::memory:`
    /// or `postgres://user@host:5432/name`.
    pub url: DatabaseUrl,
    /// Maximum connections in the pool.
    pub pool_size: u32,
    /// Whether cart edits (create a cart, change it, its items, shipping
    /// method, payment collection and session) wait for PostgreSQL to flush
    /// them to disk before answering. Off by default: an edit then answers
    /// one disk flush sooner, and a database crash can lose the last
    /// moments of cart edits, each whole, never half of one. Orders,
    /// payments' authorization, customers, accounts and admin writes always
    /// wait.
    pub durable_cart_edits: bool,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: DatabaseUrl::Sqlite(PathBuf::from("medusa.db")),
            pool_size: 16,
            durable_cart_edits: false,
        }
    }
}

/// Where the data lives: an embedded SQLite file or a PostgreSQL server.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file (relative paths are resolved against the project folder).
    Sqlite(PathBuf),
    /// A private in-memory SQLite database (tests).
    SqliteMemory,
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite:` and `postgres:` URLs, naming the problem when it is neither.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let path = rest.split('?').next().unwrap_or_default();
            return match path {
                "" => Err(format!(
                    "`{raw}` names no SQLite file (try sqlite://medusa.db)"
                )),
                ":memory:" => Ok(Self::SqliteMemory),
                path => Ok(Self::Sqlite(PathBuf::from(path))),
            };
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let url =
                url::Url::parse(raw).map_err(|e| format!("`{raw}` is not a valid URL: {e}"))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(format!("`{raw}` names no host"));
            }
            return Ok(Self::Postgres(raw.to_owned()));
        }
        Err(format!(
            "`{raw}` is not a database URL: use sqlite://FILE or postgres://USER@HOST:PORT/DB"
        ))
    }

    /// Makes a relative SQLite path absolute, against `base`.
    pub fn resolved_against(&self, base: &Path) -> Self {
        match self {
            Self::Sqlite(path) if path.is_relative() => Self::Sqlite(base.join(path)),
            other => other.clone(),
        }
    }

    /// `sqlite` or `postgres`, for logs and `db status`.
    pub fn dialect_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) | Self::SqliteMemory => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Prints the URL without its password.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::SqliteMemory => f.write_str("sqlite::memory:"),
            Self::Postgres(raw) => f.write_str(&redact_password(raw)),
        }
    }
}

fn redact_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_owned(),
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(|e| serde::de::Error::custom(format!("database.url: {e}")))
    }
}

/// `[workflows]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkflowsConfig {
    /// Finished executions are kept this many hours in the journal.
    pub retention_hours: u64,
    /// A running execution whose heartbeat is older than this many seconds is
    /// taken to be orphaned by a dead host and recovered.
    pub recovery_after_secs: u64,
}

impl Default for WorkflowsConfig {
    fn default() -> Self {
        Self {
            retention_hours: 24 * 7,
            recovery_after_secs: 60,
        }
    }
}

/// `[events]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    /// Delivery attempts per subscriber before an event is dead-lettered.
    pub max_attempts: u32,
    /// Delay before the first retry, in milliseconds (doubled each time).
    pub backoff_ms: u64,
    /// Prefix of the Redis stream and consumer groups (hosts sharing one
    /// store share one namespace).
    pub redis_namespace: String,
}

impl Default for EventsConfig {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            backoff_ms: 500,
            redis_namespace: "medusa".into(),
        }
    }
}

/// `[cache]`: the store catalogue's response cache. Entries are dropped as
/// soon as catalogue data changes on this host (and on the others through
/// Redis, when `[redis]` is set); `ttl_secs` bounds how long an entry lives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    pub enabled: bool,
    /// Upper bound on an entry's life, in seconds.
    pub ttl_secs: u64,
    /// Memory budget for cached bodies, in MiB.
    pub max_mb: u64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl_secs: 300,
            max_mb: 64,
        }
    }
}

/// `[redis]`: optional; when set, events and jobs are shared between hosts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisConfig {
    pub url: Option<RedisUrl>,
}

/// A validated `redis://` or `rediss://` URL.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl(String);

impl RedisUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url =
            url::Url::parse(raw.trim()).map_err(|e| format!("`{raw}` is not a valid URL: {e}"))?;
        if !matches!(url.scheme(), "redis" | "rediss") {
            return Err(format!("`{raw}` must start with redis:// or rediss://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("`{raw}` names no host"));
        }
        Ok(Self(raw.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_password(&self.0))
    }
}

impl<'de> Deserialize<'de> for RedisUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(|e| serde::de::Error::custom(format!("redis.url: {e}")))
    }
}

/// `[http]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Interface to listen on.
    pub host: String,
    pub port: u16,
    /// Origins allowed to call `/store` from a browser.
    pub store_cors: CorsOrigins,
    /// Origins allowed to call `/admin`.
    pub admin_cors: CorsOrigins,
    /// Origins allowed to call `/auth`.
    pub auth_cors: CorsOrigins,
    pub jwt_secret: String,
    pub cookie_secret: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long shutdown waits for in-flight requests before giving up, in seconds.
    pub shutdown_timeout_secs: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            host: "0.0.0.0".into(),
            port: 9000,
            store_cors: CorsOrigins::parse("http://localhost:8000"),
            admin_cors: CorsOrigins::parse("http://localhost:5173,http://localhost:9000"),
            auth_cors: CorsOrigins::parse(
                "http://localhost:8000,http://localhost:5173,http://localhost:9000",
            ),
            jwt_secret: DEFAULT_SECRET.into(),
            cookie_secret: DEFAULT_SECRET.into(),
            max_body_bytes: 1024 * 1024,
            shutdown_timeout_secs: 30,
        }
    }
}

/// A list of allowed origins, written as Medusa does (one comma-separated
/// string) or as a TOML array. `*` allows any origin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsOrigins(pub Vec<String>);

impl CorsOrigins {
    fn parse(raw: &str) -> Self {
        Self(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.trim_end_matches('/').to_owned())
                .collect(),
        )
    }

    /// True when every origin is allowed.
    pub fn allows_any(&self) -> bool {
        self.0.iter().any(|o| o == "*")
    }

    fn validate(self) -> Result<Self, String> {
        for origin in &self.0 {
            if origin == "*" {
                continue;
            }
            let url = url::Url::parse(origin).map_err(|_| {
                format!("`{origin}` is not an origin like https://shop.example.com")
            })?;
            if url.host_str().is_none() || url.path() != "/" {
                return Err(format!(
                    "`{origin}` is not an origin like https://shop.example.com"
                ));
            }
        }
        Ok(self)
    }
}

impl<'de> Deserialize<'de> for CorsOrigins {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let origins = match Raw::deserialize(d)? {
            Raw::One(s) => Self::parse(&s),
            Raw::Many(list) => Self::parse(&list.join(",")),
        };
        origins.validate().map_err(serde::de::Error::custom)
    }
}

/// One `[[plugins]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    /// Path of the plugin's `.wasm` component (relative to the project folder).
    pub resolve: PathBuf,
    /// The plugin's crate: `medusa develop` builds it when `resolve` is
    /// missing or older than its sources.
    #[serde(default)]
    pub source: Option<PathBuf>,
    /// Free-form options handed to the plugin.
    #[serde(default)]
    pub options: toml::Table,
    /// What the plugin may reach beyond its own module.
    #[serde(default)]
    pub grants: PluginGrants,
    /// Resource limits of each call into the plugin.
    #[serde(default)]
    pub limits: PluginLimitsConfig,
}

/// `[plugins.limits]`: bounds on every call into a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PluginLimitsConfig {
    /// Wall-clock deadline of a route, subscriber, step or service call.
    pub timeout_ms: u64,
    /// Wall-clock deadline of a scheduled job run.
    pub job_timeout_ms: u64,
    /// Linear memory of one instance, in MiB.
    pub memory_mb: u64,
    /// Largest JSON payload in or out, in KiB.
    pub max_payload_kb: usize,
    /// Guest stderr kept for error reports, in KiB.
    pub max_stderr_kb: usize,
    /// Nested calls (a plugin calling a module or workflow that calls a plugin).
    pub max_depth: u32,
    /// Calls running at once; more are refused.
    pub max_concurrency: usize,
}

impl Default for PluginLimitsConfig {
    fn default() -> Self {
        Self {
            timeout_ms: 5_000,
            job_timeout_ms: 60_000,
            memory_mb: 64,
            max_payload_kb: 1024,
            max_stderr_kb: 16,
            max_depth: 4,
            max_concurrency: 64,
        }
    }
}

/// Capabilities granted to a plugin. Nothing is granted by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PluginGrants {
    /// Other modules whose services the plugin may call.
    pub modules: Vec<String>,
    /// Event names the plugin may emit (its own modules' events are always allowed).
    pub events: Vec<String>,
    /// Hosts the plugin may send HTTP requests to.
    pub http_hosts: Vec<String>,
    /// Directories (relative to the project folder) the plugin may read and write.
    pub directories: Vec<PathBuf>,
    /// Environment variables the plugin may read.
    pub env: Vec<String>,
}
