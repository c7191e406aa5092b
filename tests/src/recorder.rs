//! A subscriber and a job that record what they handled in a table, so that
//! tests (and several processes) can count deliveries and ticks.

use std::sync::Arc;

use medusa_host::db::Database;
use medusa_host::framework::events::{Event, Subscriber, SubscriberError, SubscriberFuture};
use medusa_host::framework::jobs::{JobContext, JobFuture, JobHandler};

/// Creates `handled(event_id, subscriber, host, attempt)` and `ticks(job, scheduled_for, host)`.
pub async fn create_tables(db: &Database) {
    for sql in [
        "CREATE TABLE IF NOT EXISTS handled (event_id TEXT NOT NULL, subscriber TEXT NOT NULL, host TEXT NOT NULL, idempotency_key TEXT NOT NULL, attempt INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ticks (job TEXT NOT NULL, scheduled_for TEXT NOT NULL, host TEXT NOT NULL)",
    ] {
        match db {
            Database::Sqlite(p) => sqlx::query(sql).execute(p).await.map(drop),
            Database::Postgres(p) => sqlx::query(sql).execute(p).await.map(drop),
        }
        .expect("create recorder tables");
    }
}

async fn exec(db: &Database, sql: &str, args: &[String]) -> Result<(), String> {
    let result = match db {
        Database::Sqlite(p) => {
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(a);
            }
            q.execute(p).await.map(drop)
        }
        Database::Postgres(p) => {
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(a);
            }
            q.execute(p).await.map(drop)
        }
    };
    result.map_err(|e| e.to_string())
}

/// Records each event it handles; fails the first `failures` attempts.
pub struct Recorder {
    pub id: String,
    pub events: Vec<String>,
    pub host: String,
    pub db: Database,
    pub failures: u32,
}

impl Recorder {
    pub fn new(id: &str, events: &[&str], host: &str, db: &Database) -> Arc<Self> {
        Arc::new(Self {
            id: id.into(),
            events: events.iter().map(|e| (*e).to_owned()).collect(),
            host: host.into(),
            db: db.clone(),
            failures: 0,
        })
    }
}

impl Subscriber for Recorder {
    fn id(&self) -> &str {
        &self.id
    }
    fn events(&self) -> Vec<String> {
        self.events.clone()
    }
    fn handle<'a>(&'a self, event: &'a Event) -> SubscriberFuture<'a> {
        Box::pin(async move {
            if event.attempt <= self.failures {
                return Err(SubscriberError(format!(
                    "failing attempt {}",
                    event.attempt
                )));
            }
            exec(
                &self.db,
                "INSERT INTO handled (event_id, subscriber, host, idempotency_key, attempt) VALUES ($1, $2, $3, $4, CAST($5 AS INTEGER))",
                &[event.id.clone(), self.id.clone(), self.host.clone(), event.idempotency_key.clone(), event.attempt.to_string()],
            )
            .await
            .map_err(SubscriberError)
        })
    }
}

/// Records each tick it runs.
pub struct TickRecorder {
    pub host: String,
    pub db: Database,
}

impl JobHandler for TickRecorder {
    fn run<'a>(&'a self, ctx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(async move {
            exec(
                &self.db,
                "INSERT INTO ticks (job, scheduled_for, host) VALUES ($1, $2, $3)",
                &[
                    ctx.name.clone(),
                    ctx.scheduled_for.to_rfc3339(),
                    self.host.clone(),
                ],
            )
            .await
        })
    }
}

/// Rows of a `SELECT` of text columns.
pub async fn rows(db: &Database, sql: &str) -> Vec<Vec<String>> {
    use sqlx::Row;
    match db {
        Database::Sqlite(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .expect("select")
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<String, _>(i).unwrap_or_default())
                    .collect()
            })
            .collect(),
        Database::Postgres(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .expect("select")
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<String, _>(i).unwrap_or_default())
                    .collect()
            })
            .collect(),
    }
}
