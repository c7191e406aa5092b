//! Scheduled jobs: a cron expression or an interval, an optional number of
//! executions, run **once per tick across all hosts**: every host's scheduler
//! sees the tick, and a compare-and-set on the job's `next_run_at` lets
//! exactly one of them run it. The last run is recorded in `scheduled_job`.

mod schedule;
mod scheduler;

pub use schedule::{Schedule, ScheduleError};
pub use scheduler::{JobContext, JobDef, JobFuture, JobHandler, JobRun, Scheduler};
