//! One of several host processes sharing a database and Redis: runs the event
//! dispatcher (Redis transport) with two recording subscribers and a recording
//! job for a while, then exits.
//!
//! `event_host DATABASE_URL REDIS_URL NAMESPACE HOST_NAME SECONDS`

use std::sync::Arc;
use std::time::Duration;

use medusa_host::config::{DatabaseConfig, DatabaseUrl, RedisUrl};
use medusa_host::db::Database;
use medusa_host::framework::events::{EventBus, EventBusConfig, Transport};
use medusa_host::framework::jobs::{JobDef, Schedule, Scheduler};
use medusa_tests::recorder::{Recorder, TickRecorder};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = DatabaseUrl::parse(&args[1]).expect("database url");
    let db = Database::connect(
        &DatabaseConfig {
            url,
            pool_size: 4,
            ..Default::default()
        },
        false,
    )
    .await
    .expect("connect");
    let redis = RedisUrl::parse(&args[2]).expect("redis url");
    let host = args[4].clone();
    let seconds: u64 = args[5].parse().expect("seconds");
    let config = EventBusConfig {
        host_id: host.clone(),
        backoff: Duration::from_millis(100),
        poll_interval: Duration::from_millis(50),
        ..Default::default()
    };
    let bus = EventBus::new(
        db.clone(),
        Transport::Redis {
            url: redis,
            namespace: args[3].clone(),
        },
        config,
    );
    bus.subscribe(Recorder::new("audit", &["*"], &host, &db));
    bus.subscribe(Recorder::new("mailer", &["order.placed"], &host, &db));
    let job = JobDef {
        name: "heartbeat".into(),
        schedule: Schedule::Every(Duration::from_millis(300)),
        max_executions: None,
        handler: Arc::new(TickRecorder {
            host: host.clone(),
            db: db.clone(),
        }),
    };
    let mut scheduler = Scheduler::new(db.clone(), vec![job], &host);
    if let Some(s) = Arc::get_mut(&mut scheduler) {
        s.tick = Duration::from_millis(50);
    }
    let stop = || tokio::time::sleep(Duration::from_secs(seconds));
    tokio::join!(bus.run(stop()), scheduler.run(stop()));
    println!("{host} done");
}
