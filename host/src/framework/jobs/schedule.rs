//! When a job runs: cron expressions (5 fields as crontab, or 6 with
//! seconds) or a fixed interval.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid schedule `{expr}`: {reason}")]
pub struct ScheduleError {
    pub expr: String,
    pub reason: String,
}

/// A job's schedule.
#[derive(Debug, Clone)]
pub enum Schedule {
    Cron(Box<cron::Schedule>),
    Every(Duration),
}

impl Schedule {
    /// Parses `0 0 * * *` (crontab) or `*/10 * * * * *` (with seconds).
    pub fn cron(expr: &str) -> Result<Self, ScheduleError> {
        let fields = expr.split_whitespace().count();
        let full = match fields {
            5 => format!("0 {expr}"),
            6 | 7 => expr.to_owned(),
            _ => {
                return Err(ScheduleError {
                    expr: expr.to_owned(),
                    reason: format!("expected 5 or 6 fields, got {fields}"),
                });
            }
        };
        cron::Schedule::from_str(&full)
            .map(|s| Self::Cron(Box::new(s)))
            .map_err(|e| ScheduleError {
                expr: expr.to_owned(),
                reason: e.to_string(),
            })
    }

    /// The first tick strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Cron(schedule) => schedule.after(&after).next(),
            Self::Every(every) => Some(after + chrono::Duration::from_std(*every).ok()?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn crontab_and_seconds_forms() {
        let daily = Schedule::cron("0 0 * * *").unwrap();
        assert_eq!(
            daily.next_after(at("2026-11-22T09:30:00Z")),
            Some(at("2026-11-23T00:00:00Z"))
        );
        let often = Schedule::cron("*/10 * * * * *").unwrap();
        assert_eq!(
            often.next_after(at("2026-11-22T09:30:01Z")),
            Some(at("2026-11-22T09:30:10Z"))
        );
        assert!(Schedule::cron("every day").is_err());
        assert!(Schedule::cron("61 * * * *").is_err());
    }

    #[test]
    fn intervals_add_up() {
        let every = Schedule::Every(Duration::from_secs(90));
        assert_eq!(
            every.next_after(at("2026-11-22T09:30:00Z")),
            Some(at("2026-11-22T09:31:30Z"))
        );
    }
}
