//! Helpers for end-to-end tests: a throw-away project folder, the real host
//! binary run as a child process, and PostgreSQL / Redis fixtures.
//!
//! PostgreSQL and Redis tests skip with a note when the service is unreachable,
//! unless `MEDUSA_TEST_REQUIRE_SERVICES=1` (set by CI), where they fail.

pub mod admin;
pub mod databases;
mod host;
pub mod ledger;
pub mod plugins;
mod postgres;
mod project;
pub mod recorder;
mod redis_fixture;
pub mod store;

pub use host::HostProcess;
pub use postgres::TestPostgres;
pub use project::{CliOutput, Project};
pub use redis_fixture::redis_url;

/// True when missing services must fail tests instead of skipping them.
pub fn services_required() -> bool {
    std::env::var("MEDUSA_TEST_REQUIRE_SERVICES").is_ok_and(|v| v == "1" || v == "true")
}

/// Path of the host binary built by this package.
pub fn host_binary() -> std::path::PathBuf {
    if let Ok(path) = std::env::var("MEDUSA_TEST_BIN") {
        return path.into();
    }
    // Test executables live in target/<profile>/deps; binaries one level up.
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    dir.join(format!("medusa-under-test{}", std::env::consts::EXE_SUFFIX))
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
