//! A process that runs a three-step workflow and can be made to crash in the
//! middle of a step, then run again to recover (the workflow crash test).
//!
//! `workflow_fixture run DATABASE_URL CRASH_AT` / `workflow_fixture recover DATABASE_URL`

use std::time::Duration;

use medusa_host::config::{DatabaseConfig, DatabaseUrl};
use medusa_host::db::Database;
use medusa_host::framework::workflows::{StepDef, WorkflowDef};
use medusa_tests::ledger::{Behaviour, Write, engine};

fn workflow(crash_at: &str) -> WorkflowDef {
    let step = |label: &'static str| {
        let behaviour = if label == crash_at {
            Behaviour::Crash
        } else {
            Behaviour::Succeed
        };
        StepDef::new(label, Write::new(label, behaviour))
    };
    WorkflowDef::new("three-steps")
        .step(step("one"))
        .step(step("two"))
        .step(step("three"))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = DatabaseUrl::parse(&args[2]).expect("database url");
    let db = Database::connect(
        &DatabaseConfig {
            url,
            pool_size: 4,
            ..Default::default()
        },
        true,
    )
    .await
    .expect("connect");
    db.migrate(|_| {}).await.expect("migrate");
    let engine = engine(&db).await;
    match args[1].as_str() {
        "run" => {
            engine.register(workflow(&args[3]));
            let run = engine
                .run("three-steps", Some("crash-test"), serde_json::json!({}))
                .await;
            println!("finished: {run:?}");
        }
        "recover" => {
            engine.register(workflow(""));
            let report = engine.recover(Duration::ZERO).await.expect("recover");
            println!("recovered: {report:?}");
        }
        other => panic!("unknown mode {other}"),
    }
}
