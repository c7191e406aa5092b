//! Events through the outbox and dispatcher, and scheduled jobs, on real
//! databases; and two host processes sharing PostgreSQL + Redis.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use medusa_host::db::{Database, Exec};
use medusa_host::framework::events::{EventBus, EventBusConfig, Transport};
use medusa_host::framework::jobs::{JobDef, Schedule, Scheduler};
use medusa_tests::databases;
use medusa_tests::recorder::{Recorder, TickRecorder, create_tables, rows};
use serde_json::json;

fn config() -> EventBusConfig {
    EventBusConfig {
        backoff: Duration::ZERO,
        max_attempts: 3,
        ..Default::default()
    }
}

async fn emit(db: &Database, bus: &EventBus, name: &str) -> String {
    let mut tx = db.begin().await.unwrap();
    let id = bus
        .emit(&mut Exec::Tx(&mut tx), name, &json!({ "id": "x" }))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn drain(bus: &EventBus) {
    for _ in 0..10 {
        if bus.dispatch_once().await.unwrap() == 0 {
            return;
        }
    }
}

#[tokio::test]
async fn events_reach_the_subscribers_that_want_them() {
    for t in databases::all().await {
        create_tables(&t.db).await;
        let bus = EventBus::new(t.db.clone(), Transport::Local, config());
        bus.subscribe(Recorder::new("audit", &["*"], "h", &t.db));
        bus.subscribe(Recorder::new("mailer", &["order.placed"], "h", &t.db));
        let placed = emit(&t.db, &bus, "order.placed").await;
        let created = emit(&t.db, &bus, "product.created").await;
        // Rolled back with its transaction: never delivered.
        let mut tx = t.db.begin().await.unwrap();
        bus.emit(&mut Exec::Tx(&mut tx), "order.placed", &json!({}))
            .await
            .unwrap();
        drop(tx);
        drain(&bus).await;
        let handled = rows(&t.db, "SELECT event_id, subscriber, idempotency_key FROM handled ORDER BY event_id, subscriber").await;
        assert_eq!(
            handled,
            vec![
                vec![placed.clone(), "audit".into(), format!("{placed}:audit")],
                vec![placed.clone(), "mailer".into(), format!("{placed}:mailer")],
                vec![created.clone(), "audit".into(), format!("{created}:audit")],
            ],
            "{}",
            t.name
        );
        drain(&bus).await;
        assert_eq!(
            rows(&t.db, "SELECT event_id FROM handled").await.len(),
            3,
            "{}: delivered once",
            t.name
        );
    }
}

async fn status(db: &Database, id: &str) -> String {
    rows(
        db,
        &format!("SELECT status FROM event_outbox WHERE id = '{id}'"),
    )
    .await[0][0]
        .clone()
}

#[tokio::test]
async fn a_dispatching_host_writes_events_nobody_wants_as_dispatched() {
    for t in databases::all().await {
        create_tables(&t.db).await;
        let bus = EventBus::new(
            t.db.clone(),
            Transport::Local,
            EventBusConfig {
                // Only the first round and wake-ups run: nothing marks an
                // event behind the test's back.
                poll_interval: Duration::from_secs(3600),
                ..config()
            },
        );
        bus.subscribe(Recorder::new("mailer", &["order.placed"], "h", &t.db));
        // A process that does not dispatch (a CLI command) leaves every
        // event to a dispatcher.
        let early = emit(&t.db, &bus, "product.created").await;
        assert_eq!(status(&t.db, &early).await, "pending", "{}", t.name);

        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let dispatcher = tokio::spawn(bus.clone().run(async {
            let _ = stopped.await;
        }));
        for _ in 0..100 {
            if status(&t.db, &early).await == "dispatched" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(status(&t.db, &early).await, "dispatched", "{}", t.name);

        let unheard = emit(&t.db, &bus, "product.updated").await;
        assert_eq!(status(&t.db, &unheard).await, "dispatched", "{}", t.name);
        let heard = emit(&t.db, &bus, "order.placed").await;
        assert_eq!(status(&t.db, &heard).await, "pending", "{}", t.name);
        bus.wake();
        for _ in 0..100 {
            if !rows(&t.db, "SELECT event_id FROM handled").await.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            rows(&t.db, "SELECT event_id, subscriber FROM handled").await,
            vec![vec![heard.clone(), "mailer".to_owned()]],
            "{}",
            t.name
        );
        let _ = stop.send(());
        dispatcher.await.unwrap();
    }
}

#[tokio::test]
async fn failing_subscribers_are_retried_then_dead_lettered() {
    let t = databases::sqlite().await;
    create_tables(&t.db).await;
    let bus = EventBus::new(t.db.clone(), Transport::Local, config());
    let mut flaky = Recorder::new("flaky", &["*"], "h", &t.db);
    Arc::get_mut(&mut flaky).unwrap().failures = 2;
    let mut hopeless = Recorder::new("hopeless", &["*"], "h", &t.db);
    Arc::get_mut(&mut hopeless).unwrap().failures = 99;
    bus.subscribe(flaky);
    bus.subscribe(hopeless);
    emit(&t.db, &bus, "order.placed").await;
    drain(&bus).await;
    assert_eq!(
        rows(
            &t.db,
            "SELECT subscriber, CAST(attempt AS TEXT) FROM handled"
        )
        .await,
        vec![vec!["flaky".to_owned(), "3".to_owned()]]
    );
    let deliveries = rows(&t.db, "SELECT subscriber, status, CAST(attempts AS TEXT), last_error FROM event_delivery ORDER BY subscriber").await;
    assert_eq!(deliveries[0], ["flaky", "done", "3", ""]);
    assert_eq!(
        deliveries[1],
        ["hopeless", "dead", "3", "failing attempt 3"]
    );
}

#[tokio::test]
async fn events_survive_a_restart_of_the_dispatcher() {
    for t in databases::all().await {
        create_tables(&t.db).await;
        let first = EventBus::new(t.db.clone(), Transport::Local, config());
        let mut failing = Recorder::new("audit", &["*"], "first", &t.db);
        Arc::get_mut(&mut failing).unwrap().failures = 1;
        first.subscribe(failing);
        let id = emit(&t.db, &first, "customer.created").await;
        // The first dispatcher fans the event out, its delivery fails once, and it stops.
        assert_eq!(first.dispatch_once().await.unwrap(), 1);
        drop(first);
        let second = EventBus::new(t.db.clone(), Transport::Local, config());
        second.subscribe(Recorder::new("audit", &["*"], "second", &t.db));
        drain(&second).await;
        assert_eq!(
            rows(
                &t.db,
                "SELECT event_id, host, CAST(attempt AS TEXT) FROM handled"
            )
            .await,
            vec![vec![id, "second".to_owned(), "2".to_owned()]],
            "{}",
            t.name
        );
    }
}

fn job(name: &str, schedule: Schedule, max: Option<u32>, host: &str, db: &Database) -> JobDef {
    JobDef {
        name: name.into(),
        schedule,
        max_executions: max,
        handler: Arc::new(TickRecorder {
            host: host.into(),
            db: db.clone(),
        }),
    }
}

#[tokio::test]
async fn a_job_runs_once_per_tick_across_schedulers() {
    for t in databases::all().await {
        create_tables(&t.db).await;
        let every = || Schedule::Every(Duration::from_secs(60));
        let a = Scheduler::new(
            t.db.clone(),
            vec![
                job("sync", every(), None, "a", &t.db),
                job("twice", every(), Some(2), "a", &t.db),
            ],
            "a",
        );
        let b = Scheduler::new(
            t.db.clone(),
            vec![
                job("sync", every(), None, "b", &t.db),
                job("twice", every(), Some(2), "b", &t.db),
            ],
            "b",
        );
        let start = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        // First sight schedules the first tick a minute later: nothing runs yet.
        assert!(a.tick_once(start).await.unwrap().is_empty());
        assert!(b.tick_once(start).await.unwrap().is_empty());
        for minute in 1..=4 {
            let now = start + chrono::Duration::minutes(minute);
            let (ra, rb) = tokio::join!(a.tick_once(now), b.tick_once(now));
            let ran = ra.unwrap().len() + rb.unwrap().len();
            let expected = if minute <= 2 { 2 } else { 1 };
            assert_eq!(ran, expected, "{}: minute {minute}", t.name);
        }
        let ticks = rows(
            &t.db,
            "SELECT job, scheduled_for FROM ticks ORDER BY job, scheduled_for",
        )
        .await;
        assert_eq!(ticks.iter().filter(|r| r[0] == "sync").count(), 4);
        assert_eq!(
            ticks.iter().filter(|r| r[0] == "twice").count(),
            2,
            "max executions respected"
        );
        let mut distinct = ticks.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), ticks.len(), "no tick ran twice");
        let last = rows(
            &t.db,
            "SELECT last_status, CAST(executions AS TEXT) FROM scheduled_job WHERE name = 'sync'",
        )
        .await;
        assert_eq!(last, vec![vec!["ok".to_owned(), "4".to_owned()]]);
    }
}

#[tokio::test]
async fn two_hosts_on_redis_handle_each_event_once_per_subscriber_and_each_tick_once() {
    let Some(redis) = medusa_tests::redis_url().await else {
        return;
    };
    let Some(t) = databases::postgres().await else {
        return;
    };
    create_tables(&t.db).await;
    let namespace = format!("medusa-test-{}", ulid::Ulid::new());
    let bus = EventBus::new(t.db.clone(), Transport::Local, config());
    let mut expected = Vec::new();
    for i in 0..20 {
        let name = if i % 2 == 0 {
            "order.placed"
        } else {
            "product.updated"
        };
        expected.push((emit(&t.db, &bus, name).await, name));
    }
    let bin = medusa_tests::host_binary()
        .with_file_name(format!("event_host{}", std::env::consts::EXE_SUFFIX));
    let spawn = |host: &str| {
        tokio::process::Command::new(&bin)
            .args([
                t.url.as_str(),
                redis.as_str(),
                namespace.as_str(),
                host,
                "3",
            ])
            .kill_on_drop(true)
            .output()
    };
    let (one, two) = tokio::join!(spawn("host-1"), spawn("host-2"));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert!(
        one.status.success() && two.status.success(),
        "{one:?}\n{two:?}"
    );

    let handled = rows(&t.db, "SELECT event_id, subscriber, host FROM handled").await;
    for (id, name) in &expected {
        let count = |sub: &str| {
            handled
                .iter()
                .filter(|r| &r[0] == id && r[1] == sub)
                .count()
        };
        assert_eq!(count("audit"), 1, "{id} ({name}) handled once by audit");
        assert_eq!(
            count("mailer"),
            usize::from(*name == "order.placed"),
            "{id} ({name}) by mailer"
        );
    }
    let ticks = rows(&t.db, "SELECT scheduled_for, host FROM ticks").await;
    assert!(ticks.len() >= 3, "the job ran: {ticks:?}");
    let mut when: Vec<&String> = ticks.iter().map(|r| &r[0]).collect();
    when.sort();
    let total = when.len();
    when.dedup();
    assert_eq!(
        when.len(),
        total,
        "each tick ran on one host only: {ticks:?}"
    );
}

#[tokio::test]
async fn redis_transport_retries_then_dead_letters() {
    let Some(redis_url) = medusa_tests::redis_url().await else {
        return;
    };
    let t = databases::sqlite().await;
    create_tables(&t.db).await;
    let namespace = format!("medusa-test-{}", ulid::Ulid::new());
    let url = medusa_host::config::RedisUrl::parse(&redis_url).unwrap();
    let bus = EventBus::new(
        t.db.clone(),
        Transport::Redis {
            url,
            namespace: namespace.clone(),
        },
        config(),
    );
    let mut flaky = Recorder::new("flaky", &["*"], "h", &t.db);
    Arc::get_mut(&mut flaky).unwrap().failures = 2;
    let mut hopeless = Recorder::new("hopeless", &["*"], "h", &t.db);
    Arc::get_mut(&mut hopeless).unwrap().failures = 99;
    bus.subscribe(flaky);
    bus.subscribe(hopeless);
    let id = emit(&t.db, &bus, "order.placed").await;
    drain(&bus).await;
    assert_eq!(
        rows(
            &t.db,
            "SELECT event_id, subscriber, CAST(attempt AS TEXT) FROM handled"
        )
        .await,
        vec![vec![id.clone(), "flaky".to_owned(), "3".to_owned()]]
    );
    let client = redis::Client::open(redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let dead: redis::streams::StreamRangeReply =
        redis::AsyncCommands::xrange_all(&mut conn, format!("{namespace}:events:dead"))
            .await
            .unwrap();
    assert_eq!(dead.ids.len(), 1);
    assert_eq!(
        dead.ids[0].get::<String>("subscriber").as_deref(),
        Some("hopeless")
    );
    assert_eq!(
        dead.ids[0].get::<String>("id").as_deref(),
        Some(id.as_str())
    );
    let _: () = redis::AsyncCommands::del(
        &mut conn,
        &[
            format!("{namespace}:events"),
            format!("{namespace}:events:dead"),
        ],
    )
    .await
    .unwrap();
}
