//! Reading `medusa-config.toml`: interpolation, parsing, environment overrides and
//! path resolution, in that order.

use std::path::{Path, PathBuf};

use super::ConfigError;
use super::interpolate::interpolate;
use super::types::{Config, DatabaseUrl, RedisUrl};

/// The file looked for in the current folder when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "medusa-config.toml";

/// Loads the config file at `path`, reading the process environment.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ConfigError::NotFound {
            path: path.to_path_buf(),
        },
        _ => ConfigError::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let project_dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let project_dir = std::fs::canonicalize(&project_dir).unwrap_or(project_dir);
    load_from_str(&text, path, &project_dir, &|name| std::env::var(name).ok())
}

/// Loads a config from its text; `lookup` reads environment variables.
pub fn load_from_str(
    text: &str,
    path: &Path,
    project_dir: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, ConfigError> {
    let text = interpolate(text, path, lookup)?;
    let mut config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    apply_env_overrides(&mut config, lookup)?;
    config.project_dir = project_dir.to_path_buf();
    config.database.url = config.database.url.resolved_against(project_dir);
    for plugin in &mut config.plugins {
        if plugin.resolve.is_relative() {
            plugin.resolve = project_dir.join(&plugin.resolve);
        }
    }
    Ok(config)
}

fn apply_env_overrides(
    config: &mut Config,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    if let Some(raw) = get("DATABASE_URL") {
        config.database.url =
            DatabaseUrl::parse(&raw).map_err(|message| ConfigError::Environment {
                var: "DATABASE_URL",
                message,
            })?;
    }
    if let Some(raw) = get("REDIS_URL") {
        config.redis.url =
            Some(
                RedisUrl::parse(&raw).map_err(|message| ConfigError::Environment {
                    var: "REDIS_URL",
                    message,
                })?,
            );
    }
    if let Some(raw) = get("PORT") {
        config.http.port = raw.trim().parse().map_err(|_| ConfigError::Environment {
            var: "PORT",
            message: format!("`{raw}` is not a port number (0-65535)"),
        })?;
    }
    if let Some(secret) = get("JWT_SECRET") {
        config.http.jwt_secret = secret;
    }
    if let Some(secret) = get("COOKIE_SECRET") {
        config.http.cookie_secret = secret;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse_with(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        load_from_str(
            text,
            Path::new("medusa-config.toml"),
            Path::new("/srv/shop"),
            &|name| env.get(name).cloned(),
        )
    }

    fn parse(text: &str) -> Result<Config, ConfigError> {
        parse_with(text, &[])
    }

    fn error_text(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("config should have been rejected: {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn empty_file_gives_defaults() {
        let config = parse("").unwrap();
        assert_eq!(config.http.port, 9000);
        assert_eq!(
            config.database.url,
            DatabaseUrl::Sqlite("/srv/shop/medusa.db".into())
        );
        assert!(config.redis.url.is_none());
        assert!(config.plugins.is_empty());
    }

    #[test]
    fn parses_every_section() {
        let config = parse(
            r#"
            [database]
            url = "postgres://postgres@127.0.0.1:5432/shop"
            pool_size = 4

            [redis]
            url = "redis://127.0.0.1:6379"

            [http]
            port = 9100
            store_cors = "http://localhost:8000, https://shop.example.com/"
            admin_cors = ["https://admin.example.com"]
            jwt_secret = "j"
            cookie_secret = "c"

            [[plugins]]
            resolve = "plugins/brand.wasm"
            options = { greeting = "hi" }
            grants = { modules = ["product"], http_hosts = ["cms.example.com"] }

            [modules.product]
            searchable = true
            "#,
        )
        .unwrap();
        assert_eq!(config.database.pool_size, 4);
        assert_eq!(config.database.url.dialect_name(), "postgres");
        assert_eq!(
            config.redis.url.as_ref().map(|u| u.as_str()),
            Some("redis://127.0.0.1:6379")
        );
        assert_eq!(
            config.http.store_cors.0,
            vec!["http://localhost:8000", "https://shop.example.com"]
        );
        assert_eq!(config.http.admin_cors.0, vec!["https://admin.example.com"]);
        assert_eq!(
            config.plugins[0].resolve,
            PathBuf::from("/srv/shop/plugins/brand.wasm")
        );
        assert_eq!(config.plugins[0].grants.modules, vec!["product"]);
        assert_eq!(config.plugins[0].options["greeting"].as_str(), Some("hi"));
        assert_eq!(
            config.module_options("product")["searchable"].as_bool(),
            Some(true)
        );
        assert!(config.module_options("cart").is_empty());
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let msg = error_text("[http]\nport = 9000\nprot = 1\n");
        assert!(msg.contains("unknown field `prot`"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn unknown_grant_is_rejected() {
        let msg = error_text("[[plugins]]\nresolve = \"a.wasm\"\ngrants = { everything = true }\n");
        assert!(msg.contains("unknown field `everything`"), "{msg}");
    }

    #[test]
    fn bad_database_url_is_named_with_its_line() {
        let msg = error_text("\n[database]\nurl = \"mysql://x\"\n");
        assert!(msg.contains("database.url"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn bad_redis_url_is_named() {
        let msg = error_text("[redis]\nurl = \"http://localhost\"\n");
        assert!(msg.contains("redis.url"), "{msg}");
    }

    #[test]
    fn bad_cors_origin_is_named() {
        let msg = error_text("[http]\nstore_cors = \"localhost:8000/path\"\n");
        assert!(msg.contains("localhost:8000/path"), "{msg}");
    }

    #[test]
    fn wrong_type_is_reported() {
        let msg = error_text("[http]\nport = \"nine\"\n");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn environment_overrides_file() {
        let config = parse_with(
            "[http]\nport = 9000\njwt_secret = \"file\"\n",
            &[
                ("DATABASE_URL", "postgres://postgres@db:5432/x"),
                ("REDIS_URL", "redis://cache:6379"),
                ("PORT", "9200"),
                ("JWT_SECRET", "env-jwt"),
                ("COOKIE_SECRET", "env-cookie"),
            ],
        )
        .unwrap();
        assert_eq!(config.http.port, 9200);
        assert_eq!(config.database.url.dialect_name(), "postgres");
        assert!(config.redis.url.is_some());
        assert_eq!(config.http.jwt_secret, "env-jwt");
        assert_eq!(config.http.cookie_secret, "env-cookie");
        assert!(config.ensure_production_secrets().is_ok());
    }

    #[test]
    fn bad_environment_override_names_the_variable() {
        let err = parse_with("", &[("PORT", "ninety")])
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|m| m.contains("PORT")),
            "{err:?}"
        );
        let err = parse_with("", &[("DATABASE_URL", "oracle://x")])
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|m| m.contains("DATABASE_URL")),
            "{err:?}"
        );
    }

    #[test]
    fn interpolation_feeds_the_parser() {
        let config = parse_with(
            "[database]\nurl = \"${DB_URL}\"\n[http]\nport = ${P:-9300}\n",
            &[("DB_URL", "sqlite://data/shop.db")],
        )
        .unwrap();
        assert_eq!(
            config.database.url,
            DatabaseUrl::Sqlite("/srv/shop/data/shop.db".into())
        );
        assert_eq!(config.http.port, 9300);
    }

    #[test]
    fn default_secrets_are_refused_for_production() {
        let err = parse("").unwrap().ensure_production_secrets().err();
        assert!(matches!(
            err,
            Some(ConfigError::InsecureSecret {
                key: "http.jwt_secret",
                ..
            })
        ));
        let err = parse("[http]\njwt_secret = \"x\"")
            .unwrap()
            .ensure_production_secrets()
            .err();
        assert!(matches!(
            err,
            Some(ConfigError::InsecureSecret {
                key: "http.cookie_secret",
                ..
            })
        ));
    }

    #[test]
    fn sqlite_url_forms() {
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:"),
            Ok(DatabaseUrl::SqliteMemory)
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/a.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/a.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:a.db?mode=rwc"),
            Ok(DatabaseUrl::Sqlite("a.db".into()))
        );
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("postgres:///nohost").is_err());
    }

    #[test]
    fn passwords_are_redacted_in_display() {
        let url = DatabaseUrl::parse("postgres://u:hunter2@h/db").unwrap();
        assert!(!url.to_string().contains("hunter2"));
    }
}
