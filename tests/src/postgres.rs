//! A fresh PostgreSQL database per test, dropped afterwards.

use sqlx::Connection;

/// Server used by the tests; `MEDUSA_TEST_POSTGRES_URL` overrides it.
fn server_url() -> String {
    std::env::var("MEDUSA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database created for one test.
pub struct TestPostgres {
    pub url: String,
    name: String,
}

impl TestPostgres {
    /// Creates a database, or returns `None` (after saying so) when PostgreSQL is
    /// unreachable and services are not required.
    pub async fn create() -> Option<Self> {
        let server = server_url();
        let mut conn = match sqlx::PgConnection::connect(&server).await {
            Ok(conn) => conn,
            Err(e) if !crate::services_required() => {
                eprintln!("SKIPPED: PostgreSQL unreachable at {server}: {e}");
                return None;
            }
            Err(e) => {
                panic!("PostgreSQL unreachable at {server} and MEDUSA_TEST_REQUIRE_SERVICES=1: {e}")
            }
        };
        let name = format!(
            "medusa_test_{}",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = server
            .rsplit_once('/')
            .map_or(server.as_str(), |(base, _)| base);
        Some(Self {
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl TestPostgres {
    /// Drops the database named by `url` on the test server; true when it existed.
    pub async fn drop_named(url: &str) -> bool {
        let name = url.rsplit('/').next().unwrap_or_default().to_owned();
        let mut conn = sqlx::PgConnection::connect(&server_url())
            .await
            .expect("connect");
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut conn)
                .await
                .expect("query pg_database");
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
        exists.is_some()
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let server = server_url();
        let name = self.name.clone();
        // Drop runs outside any runtime guarantee: use a private one on a thread.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&server).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}
