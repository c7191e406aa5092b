//! A temporary project folder with its own `medusa-config.toml`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::host::HostProcess;

/// Environment variables the host reads that must not leak in from the
/// developer's shell.
const HOST_ENV: &[&str] = &[
    "DATABASE_URL",
    "REDIS_URL",
    "PORT",
    "JWT_SECRET",
    "COOKIE_SECRET",
    "MEDUSA_CONFIG",
    "MEDUSA_USER_PASSWORD",
    "RUST_LOG",
];

/// A project folder that is deleted when dropped.
pub struct Project {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

/// What a finished CLI run printed and returned.
#[derive(Debug)]
pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Project {
    /// A project whose config file holds `config`.
    pub fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("medusa-config.toml"), config).expect("write config");
        Self {
            dir,
            env: Vec::new(),
        }
    }

    /// A project with production secrets and the given database URL.
    pub fn with_database(url: &str) -> Self {
        Self::new(&format!(
            "[database]\nurl = \"{url}\"\n[http]\njwt_secret = \"test-jwt\"\ncookie_secret = \"test-cookie\"\n"
        ))
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Sets an environment variable for every command run in this project.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(crate::host_binary());
        cmd.args(args).current_dir(self.path()).kill_on_drop(true);
        for key in HOST_ENV {
            cmd.env_remove(key);
        }
        cmd.env("RUST_LOG", "info");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs a CLI command to completion (60 s at most).
    pub async fn run(&self, args: &[&str]) -> CliOutput {
        self.run_for(args, Duration::from_secs(60)).await
    }

    /// Runs a CLI command to completion, `limit` at most.
    pub async fn run_for(&self, args: &[&str], limit: Duration) -> CliOutput {
        let output = tokio::time::timeout(limit, self.command(args).output())
            .await
            .expect("command timed out")
            .expect("spawn host binary");
        CliOutput {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Starts a server command (`develop`, `start`, ...) on a free port and
    /// waits until it is ready.
    pub async fn spawn(&self, args: &[&str]) -> HostProcess {
        let port = crate::free_port();
        let mut cmd = self.command(args);
        cmd.env("PORT", port.to_string());
        HostProcess::start(cmd, port).await
    }
}

impl CliOutput {
    /// Panics with everything printed when the exit code is not `code`.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}
