//! Errors raised while reading and validating the configuration.

use std::path::PathBuf;

/// A configuration problem, with enough context to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path} not found (create it, or pass --config PATH)")]
    NotFound { path: PathBuf },
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}:{line}: environment variable `{var}` is not set (write `${{{var}:-default}}` to give a default)"
    )]
    MissingVariable {
        path: PathBuf,
        line: usize,
        var: String,
    },
    #[error("{path}:{line}: unterminated `${{` (write `$${{` for a literal `${{`)")]
    UnterminatedVariable { path: PathBuf, line: usize },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {var}: {message}")]
    Environment { var: &'static str, message: String },
    #[error(
        "{key} is still the development default; set a strong secret (for example with the {env} environment variable) before `medusa start`"
    )]
    InsecureSecret {
        key: &'static str,
        env: &'static str,
    },
}
