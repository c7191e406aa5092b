//! The in-process transport: each outbox event fans out into one delivery row
//! per interested subscriber; due deliveries are claimed (compare-and-set, so
//! several dispatchers never run the same one), run, and marked done, retried
//! with backoff, or dead after the last attempt. A delivery whose dispatcher
//! died is retried when its lease runs out.

use serde_json::{Map, Value, json};

use crate::db::table::{Table, now_value};
use crate::db::{ColumnKind as K, DbError, Exec, codec};

use super::outbox::OUTBOX;
use super::{Event, EventBus};

pub(super) const DELIVERIES: Table = Table {
    name: "event_delivery",
    columns: &[
        ("event_id", K::Text),
        ("subscriber", K::Text),
        ("status", K::Text),
        ("attempts", K::Integer),
        ("next_attempt_at", K::Timestamp),
        ("last_error", K::Text),
        ("updated_at", K::Timestamp),
    ],
};

fn object(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn at(offset: std::time::Duration) -> Value {
    let when = chrono::Utc::now() + chrono::Duration::from_std(offset).unwrap_or_default();
    Value::String(codec::format_timestamp(when))
}

impl EventBus {
    /// Outbox events not yet handed on, oldest first.
    pub(super) async fn pending_outbox(
        &self,
        limit: u64,
    ) -> Result<Vec<Map<String, Value>>, DbError> {
        let mut select = OUTBOX.select();
        select
            .and_where(OUTBOX.col("status").eq("pending"))
            .order_by(
                (
                    sea_query::Alias::new(OUTBOX.name),
                    sea_query::Alias::new("id"),
                ),
                sea_query::Order::Asc,
            )
            .limit(limit);
        Exec::Db(&self.db).fetch(&select, &OUTBOX.specs()).await
    }

    /// Marks an outbox event `status` inside `exec` if it is still pending.
    pub(super) async fn claim_outbox(
        &self,
        exec: &mut Exec<'_>,
        id: &str,
        status: &str,
    ) -> Result<bool, DbError> {
        let dialect = exec.dialect();
        let mut update = OUTBOX.update(&object(json!({ "status": status })), dialect)?;
        update
            .and_where(OUTBOX.col("id").eq(id))
            .and_where(OUTBOX.col("status").eq("pending"));
        Ok(exec.execute(&update).await? == 1)
    }

    pub(super) async fn dispatch_local(&self) -> Result<usize, DbError> {
        self.fan_out().await?;
        self.deliver_due().await
    }

    async fn fan_out(&self) -> Result<(), DbError> {
        let subscribers = self.subscribers();
        let pending = self.pending_outbox(100).await?;
        // Events nobody listens to are marked dispatched together, in one statement.
        let unheard: Vec<&str> = pending
            .iter()
            .filter(|e| {
                e["name"]
                    .as_str()
                    .is_some_and(|name| !subscribers.iter().any(|s| s.wants(name)))
            })
            .filter_map(|e| e["id"].as_str())
            .collect();
        if !unheard.is_empty() {
            let dialect = self.db.dialect();
            let mut update = OUTBOX.update(&object(json!({ "status": "dispatched" })), dialect)?;
            update
                .and_where(OUTBOX.col("id").is_in(unheard.iter().copied()))
                .and_where(OUTBOX.col("status").eq("pending"));
            Exec::Db(&self.db).execute(&update).await?;
        }
        for event in &pending {
            let (Some(id), Some(name)) = (event["id"].as_str(), event["name"].as_str()) else {
                continue;
            };
            if unheard.contains(&id) {
                continue;
            }
            let mut tx = self.db.begin().await?;
            let mut exec = Exec::Tx(&mut tx);
            if !self.claim_outbox(&mut exec, id, "dispatched").await? {
                continue;
            }
            for sub in subscribers.iter().filter(|s| s.wants(name)) {
                let row = object(json!({
                    "event_id": id, "subscriber": sub.id(), "status": "pending",
                    "attempts": 0, "next_attempt_at": now_value(),
                }));
                let dialect = exec.dialect();
                exec.execute(&DELIVERIES.insert(&row, dialect)?).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    async fn deliver_due(&self) -> Result<usize, DbError> {
        let dialect = self.db.dialect();
        let now = codec::encode(&now_value(), K::Timestamp, dialect)
            .map_err(|e| DbError::Build(e.to_string()))?;
        let subscribers = self.subscribers();
        let ids: Vec<&str> = subscribers.iter().map(|s| s.id()).collect();
        let mut select = DELIVERIES.select();
        select
            .and_where(DELIVERIES.col("status").is_in(["pending", "running"]))
            .and_where(DELIVERIES.col("next_attempt_at").lte(now))
            .and_where(DELIVERIES.col("subscriber").is_in(ids))
            .order_by(
                (
                    sea_query::Alias::new(DELIVERIES.name),
                    sea_query::Alias::new("next_attempt_at"),
                ),
                sea_query::Order::Asc,
            )
            .limit(100);
        let due = Exec::Db(&self.db)
            .fetch(&select, &DELIVERIES.specs())
            .await?;
        let mut attempted = 0;
        for delivery in due {
            let (Some(event_id), Some(sub_id), Some(status), Some(attempts)) = (
                delivery["event_id"].as_str(),
                delivery["subscriber"].as_str(),
                delivery["status"].as_str(),
                delivery["attempts"].as_i64(),
            ) else {
                continue;
            };
            let Some(subscriber) = subscribers.iter().find(|s| s.id() == sub_id) else {
                continue;
            };
            let attempt = u32::try_from(attempts + 1).unwrap_or(u32::MAX);
            // Claim: only one dispatcher moves it from the state it saw.
            let claim = object(json!({
                "status": "running", "attempts": attempts + 1,
                "next_attempt_at": at(self.config.lease), "updated_at": now_value(),
            }));
            let mut update = DELIVERIES.update(&claim, dialect)?;
            update
                .and_where(DELIVERIES.col("event_id").eq(event_id))
                .and_where(DELIVERIES.col("subscriber").eq(sub_id))
                .and_where(DELIVERIES.col("status").eq(status))
                .and_where(DELIVERIES.col("attempts").eq(attempts));
            if Exec::Db(&self.db).execute(&update).await? != 1 {
                continue;
            }
            let mut select = OUTBOX.select();
            select.and_where(OUTBOX.col("id").eq(event_id));
            let Some(row) = Exec::Db(&self.db)
                .fetch(&select, &OUTBOX.specs())
                .await?
                .into_iter()
                .next()
            else {
                continue;
            };
            let event = Event {
                id: event_id.to_owned(),
                name: row["name"].as_str().unwrap_or_default().to_owned(),
                data: row.get("data").cloned().unwrap_or(Value::Null),
                idempotency_key: format!("{event_id}:{sub_id}"),
                attempt,
            };
            attempted += 1;
            let outcome = subscriber.handle(&event).await;
            let done = match &outcome {
                Ok(()) => object(
                    json!({ "status": "done", "last_error": null, "updated_at": now_value() }),
                ),
                Err(e) if attempt >= self.config.max_attempts => {
                    tracing::error!(event = %event.name, id = %event.id, subscriber = sub_id, attempt, error = %e, "event dead-lettered");
                    object(
                        json!({ "status": "dead", "last_error": e.0, "updated_at": now_value() }),
                    )
                }
                Err(e) => {
                    tracing::warn!(event = %event.name, id = %event.id, subscriber = sub_id, attempt, error = %e, "subscriber failed; will retry");
                    object(
                        json!({ "status": "pending", "last_error": e.0, "next_attempt_at": at(self.backoff(attempt)), "updated_at": now_value() }),
                    )
                }
            };
            let mut update = DELIVERIES.update(&done, dialect)?;
            update
                .and_where(DELIVERIES.col("event_id").eq(event_id))
                .and_where(DELIVERIES.col("subscriber").eq(sub_id));
            Exec::Db(&self.db).execute(&update).await?;
        }
        Ok(attempted)
    }
}
