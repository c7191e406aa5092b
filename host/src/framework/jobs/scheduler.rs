//! The scheduler loop and the once-per-tick claim.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_query::OnConflict;
use serde_json::{Map, Value, json};

use crate::db::table::Table;
use crate::db::{ColumnKind as K, Database, DbError, Exec, codec};

use super::Schedule;

const JOBS: Table = Table {
    name: "scheduled_job",
    columns: &[
        ("name", K::Text),
        ("next_run_at", K::Timestamp),
        ("last_run_at", K::Timestamp),
        ("last_status", K::Text),
        ("last_error", K::Text),
        ("last_host", K::Text),
        ("executions", K::Integer),
        ("updated_at", K::Timestamp),
    ],
};

pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// What a job receives.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub name: String,
    /// 1 for the first execution.
    pub execution: u32,
    /// The tick this run is for.
    pub scheduled_for: DateTime<Utc>,
}

/// A job's behaviour.
pub trait JobHandler: Send + Sync + 'static {
    fn run<'a>(&'a self, ctx: &'a JobContext) -> JobFuture<'a>;
}

/// A scheduled job.
#[derive(Clone)]
pub struct JobDef {
    pub name: String,
    pub schedule: Schedule,
    /// Stop after this many executions (across all hosts).
    pub max_executions: Option<u32>,
    pub handler: Arc<dyn JobHandler>,
}

/// One job run by this host during a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub job: String,
    pub ok: bool,
}

/// Runs the jobs that are due, once across all hosts sharing the database.
pub struct Scheduler {
    db: Database,
    jobs: Vec<JobDef>,
    host_id: String,
    pub tick: Duration,
}

fn ts(t: DateTime<Utc>) -> Value {
    Value::String(codec::format_timestamp(t))
}

fn object(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

impl Scheduler {
    pub fn new(db: Database, jobs: Vec<JobDef>, host_id: &str) -> Arc<Self> {
        Arc::new(Self {
            db,
            jobs,
            host_id: host_id.to_owned(),
            tick: Duration::from_millis(500),
        })
    }

    /// Runs every job due at `now` that this host wins; returns what it ran.
    pub async fn tick_once(&self, now: DateTime<Utc>) -> Result<Vec<JobRun>, DbError> {
        let dialect = self.db.dialect();
        let mut ran = Vec::new();
        for job in &self.jobs {
            let Some(first) = job.schedule.next_after(now) else {
                continue;
            };
            let mut insert = JOBS.insert(
                &object(json!({ "name": job.name, "next_run_at": ts(first), "executions": 0 })),
                dialect,
            )?;
            insert.on_conflict(
                OnConflict::column(sea_query::Alias::new("name"))
                    .do_nothing()
                    .to_owned(),
            );
            Exec::Db(&self.db).execute(&insert).await?;

            let mut select = JOBS.select();
            select.and_where(JOBS.col("name").eq(job.name.as_str()));
            let Some(row) = Exec::Db(&self.db)
                .fetch(&select, &JOBS.specs())
                .await?
                .into_iter()
                .next()
            else {
                continue;
            };
            let executions = row["executions"].as_i64().unwrap_or(0);
            if job
                .max_executions
                .is_some_and(|max| executions >= i64::from(max))
            {
                continue;
            }
            let Some(due) = row["next_run_at"]
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|d| d.with_timezone(&Utc))
            else {
                continue;
            };
            if due > now {
                continue;
            }
            let Some(next) = job.schedule.next_after(now) else {
                continue;
            };
            // The claim: only the host that moves next_run_at from what it saw runs this tick.
            let claim = object(json!({
                "next_run_at": ts(next), "executions": executions + 1,
                "last_host": self.host_id, "updated_at": ts(now),
            }));
            let mut update = JOBS.update(&claim, dialect)?;
            let observed = codec::encode(&row["next_run_at"], K::Timestamp, dialect)
                .map_err(|e| DbError::Build(e.to_string()))?;
            update
                .and_where(JOBS.col("name").eq(job.name.as_str()))
                .and_where(JOBS.col("next_run_at").eq(observed))
                .and_where(JOBS.col("executions").eq(executions));
            if Exec::Db(&self.db).execute(&update).await? != 1 {
                continue;
            }
            let ctx = JobContext {
                name: job.name.clone(),
                execution: u32::try_from(executions + 1).unwrap_or(u32::MAX),
                scheduled_for: due,
            };
            let outcome = job.handler.run(&ctx).await;
            if let Err(e) = &outcome {
                tracing::warn!(job = %job.name, error = %e, "job failed");
            }
            let record = object(json!({
                "last_run_at": ts(Utc::now()),
                "last_status": if outcome.is_ok() { "ok" } else { "failed" },
                "last_error": outcome.as_ref().err(),
            }));
            let mut update = JOBS.update(&record, dialect)?;
            update.and_where(JOBS.col("name").eq(job.name.as_str()));
            Exec::Db(&self.db).execute(&update).await?;
            ran.push(JobRun {
                job: job.name.clone(),
                ok: outcome.is_ok(),
            });
        }
        Ok(ran)
    }

    /// Ticks until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.tick_once(Utc::now()).await {
                tracing::warn!(error = %e, "scheduler tick failed");
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(self.tick) => {}
            }
        }
    }
}
