//! Workflows on real databases: compensation in reverse order, the journal,
//! retries, timeouts, idempotency, parallel groups, nesting, hooks, and
//! recovery after the process is killed mid-workflow.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use medusa_host::db::{ColumnKind, ColumnSpec, Database, DbError, Exec};
use medusa_host::framework::workflows::{
    ExecutionState, StepContext, StepDef, StepError, StepFuture, StepOutput, StepState,
    WorkflowDef, WorkflowEngine, WorkflowEnv, WorkflowError,
};
use medusa_tests::databases;
use medusa_tests::ledger::{Behaviour, Write, engine, labels};
use serde_json::{Value, json};

fn three_steps() -> WorkflowDef {
    WorkflowDef::new("three")
        .step(StepDef::new("one", Write::new("one", Behaviour::Succeed)))
        .step(StepDef::new("two", Write::new("two", Behaviour::Succeed)))
        .step(StepDef::new(
            "three",
            Write::new("three", Behaviour::FailWhenAsked),
        ))
}

async fn outbox_names(db: &Database) -> Vec<String> {
    let rows: Vec<(String,)> = match db {
        Database::Sqlite(p) => sqlx::query_as("SELECT name FROM event_outbox ORDER BY id")
            .fetch_all(p)
            .await
            .unwrap(),
        Database::Postgres(p) => sqlx::query_as("SELECT name FROM event_outbox ORDER BY id")
            .fetch_all(p)
            .await
            .unwrap(),
    };
    rows.into_iter().map(|(n,)| n).collect()
}

fn states(
    engine_steps: &[medusa_host::framework::workflows::StepRecord],
) -> Vec<(String, StepState)> {
    engine_steps
        .iter()
        .map(|s| (s.step_id.clone(), s.state))
        .collect()
}

#[tokio::test]
async fn success_is_journaled_and_releases_events() {
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        engine.register(three_steps().returns("two"));
        let run = engine.run("three", Some("tx-ok"), json!({})).await.unwrap();
        assert_eq!(
            run.output["label"], "two",
            "{}: the chosen result step",
            t.name
        );
        assert_eq!(
            labels(&t.db, &engine.env().registry).await,
            ["one", "two", "three"]
        );
        let record = engine.execution("three", "tx-ok").await.unwrap().unwrap();
        assert_eq!(record.state, ExecutionState::Done);
        assert_eq!(record.input, json!({}));
        assert!(
            record
                .steps
                .iter()
                .all(|s| s.state == StepState::Done && s.attempts == 1 && s.ended_at.is_some())
        );
        assert_eq!(outbox_names(&t.db).await, ["entry.created"; 3]);
    }
}

#[tokio::test]
async fn failure_at_step_three_compensates_two_then_one() {
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        engine.register(three_steps());
        let err = engine
            .run("three", Some("tx-fail"), json!({"fail_at": "three"}))
            .await
            .unwrap_err();
        match &err {
            WorkflowError::Failed {
                step,
                error,
                compensation_failed,
                ..
            } => {
                assert_eq!(step, "three");
                assert_eq!(error.kind.as_deref(), Some("not_allowed"));
                assert!(!compensation_failed);
            }
            other => panic!("{}: {other:?}", t.name),
        }
        assert!(
            labels(&t.db, &engine.env().registry).await.is_empty(),
            "{}: every write undone",
            t.name
        );
        let record = engine.execution("three", "tx-fail").await.unwrap().unwrap();
        assert_eq!(record.state, ExecutionState::Reverted);
        assert_eq!(
            states(&record.steps),
            [
                ("one".into(), StepState::Compensated),
                ("two".into(), StepState::Compensated),
                ("three".into(), StepState::Failed)
            ]
        );
        assert_eq!(record.error["step"], "three");
        assert!(
            outbox_names(&t.db).await.is_empty(),
            "{}: a compensated workflow's events are not delivered",
            t.name
        );

        // The same transaction id replays the failure instead of running again.
        let again = engine
            .run("three", Some("tx-fail"), json!({"fail_at": "three"}))
            .await
            .unwrap_err();
        assert!(matches!(again, WorkflowError::Failed { ref step, .. } if step == "three"));
        assert!(labels(&t.db, &engine.env().registry).await.is_empty());
    }
}

#[tokio::test]
async fn compensation_runs_in_reverse_order() {
    let t = databases::sqlite().await;
    let engine = engine(&t.db).await;
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    engine.register(
        WorkflowDef::new("ordered")
            .step(StepDef::new(
                "one",
                Write::logged("one", Behaviour::Succeed, &log),
            ))
            .step(StepDef::new(
                "two",
                Write::logged("two", Behaviour::Succeed, &log),
            ))
            .step(StepDef::new(
                "three",
                Write::logged("three", Behaviour::Succeed, &log),
            ))
            .step(StepDef::new(
                "four",
                Write::logged("four", Behaviour::FailWhenAsked, &log),
            )),
    );
    engine
        .run("ordered", Some("tx"), json!({"fail_at": "four"}))
        .await
        .unwrap_err();
    assert_eq!(*log.lock().unwrap(), ["three", "two", "one"]);
}

#[tokio::test]
async fn idempotent_by_transaction_id() {
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        let first = Write::new("only", Behaviour::Succeed);
        engine.register(WorkflowDef::new("once").step(StepDef::new("only", first.clone())));
        let a = engine.run("once", Some("same"), json!({})).await.unwrap();
        let b = engine.run("once", Some("same"), json!({})).await.unwrap();
        assert_eq!(a.output, b.output);
        assert!(!a.replayed && b.replayed);
        assert_eq!(
            first.calls.load(Ordering::SeqCst),
            1,
            "{}: the step ran once",
            t.name
        );
        let c = engine.run("once", None, json!({})).await.unwrap();
        assert_ne!(c.transaction_id, "same");
        assert_eq!(
            labels(&t.db, &engine.env().registry).await,
            ["only", "only"]
        );
    }
}

#[tokio::test]
async fn twins_with_one_transaction_id_take_effect_once() {
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        let slow = Write::new("only", Behaviour::Slow(Duration::from_millis(300)));
        engine.register(WorkflowDef::new("twins").step(StepDef::new("only", slow.clone())));
        let (a, b) = tokio::join!(engine.run("twins", Some("same"), json!({})), async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            engine.run("twins", Some("same"), json!({})).await
        });
        // The first ran; the twin replayed its result (or, had it looked
        // while the first was running, was told so).
        let first = a.unwrap();
        assert!(!first.replayed, "{}", t.name);
        match b {
            Ok(twin) => assert!(twin.replayed && twin.output == first.output, "{}", t.name),
            Err(WorkflowError::InProgress { .. }) => {}
            Err(e) => panic!("{}: {e:?}", t.name),
        }
        // The twin's step may have started too, but its transaction rolled
        // back when the journal refused a second execution of the id.
        assert_eq!(labels(&t.db, &engine.env().registry).await, ["only"]);
        let journal = engine.execution("twins", "same").await.unwrap().unwrap();
        assert_eq!(journal.steps.len(), 1, "{}", t.name);
    }
}

#[tokio::test]
async fn retries_with_backoff_then_succeed() {
    let t = databases::sqlite().await;
    let engine = engine(&t.db).await;
    let flaky = Write::new("flaky", Behaviour::Flaky(2));
    engine.register(
        WorkflowDef::new("retry")
            .step(StepDef::new("flaky", flaky.clone()).retries(2, Duration::from_millis(5))),
    );
    engine.run("retry", Some("r"), json!({})).await.unwrap();
    let record = engine.execution("retry", "r").await.unwrap().unwrap();
    assert_eq!(record.steps[0].attempts, 3);
    assert_eq!(record.steps[0].state, StepState::Done);
    // Failed attempts rolled back their writes: one entry only.
    assert_eq!(labels(&t.db, &engine.env().registry).await, ["flaky"]);

    let hopeless = Write::new("hopeless", Behaviour::Flaky(5));
    engine.register(
        WorkflowDef::new("give-up")
            .step(StepDef::new("hopeless", hopeless).retries(1, Duration::from_millis(1))),
    );
    let err = engine
        .run("give-up", Some("g"), json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(err, WorkflowError::Failed { ref error, .. } if error.message == "flaky failure 2"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_step_that_overruns_its_timeout_fails_and_is_rolled_back() {
    let t = databases::sqlite().await;
    let engine = engine(&t.db).await;
    engine.register(
        WorkflowDef::new("slow")
            .step(StepDef::new(
                "first",
                Write::new("first", Behaviour::Succeed),
            ))
            .step(
                StepDef::new(
                    "slow",
                    Write::new("slow", Behaviour::Slow(Duration::from_secs(30))),
                )
                .timeout(Duration::from_millis(50)),
            ),
    );
    let err = engine.run("slow", Some("s"), json!({})).await.unwrap_err();
    assert!(
        matches!(err, WorkflowError::Failed { ref error, .. } if error.message.contains("timed out")),
        "{err:?}"
    );
    assert!(labels(&t.db, &engine.env().registry).await.is_empty());
}

#[tokio::test]
async fn parallel_group_compensates_finished_siblings() {
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        engine.register(
            WorkflowDef::new("fan-out")
                .step(StepDef::new(
                    "before",
                    Write::new("before", Behaviour::Succeed),
                ))
                .parallel(vec![
                    StepDef::new("left", Write::new("left", Behaviour::Succeed)),
                    StepDef::new("right", Write::new("right", Behaviour::FailWhenAsked)),
                ])
                .step(StepDef::new(
                    "after",
                    Write::new("after", Behaviour::Succeed),
                )),
        );
        engine.run("fan-out", Some("ok"), json!({})).await.unwrap();
        assert_eq!(labels(&t.db, &engine.env().registry).await.len(), 4);
        engine
            .run("fan-out", Some("bad"), json!({"fail_at": "right"}))
            .await
            .unwrap_err();
        let record = engine.execution("fan-out", "bad").await.unwrap().unwrap();
        let by_id = |id: &str| {
            record
                .steps
                .iter()
                .find(|s| s.step_id == id)
                .map(|s| s.state)
        };
        assert_eq!(by_id("left"), Some(StepState::Compensated), "{}", t.name);
        assert_eq!(by_id("before"), Some(StepState::Compensated));
        assert_eq!(by_id("right"), Some(StepState::Failed));
        assert_eq!(by_id("after"), None, "never started");
        assert_eq!(
            labels(&t.db, &engine.env().registry).await.len(),
            4,
            "only the first run's entries remain"
        );
    }
}

#[tokio::test]
async fn nested_workflows_and_hooks() {
    let t = databases::sqlite().await;
    let engine = engine(&t.db).await;
    let inner = Arc::new(
        WorkflowDef::new("inner")
            .step(StepDef::new("a", Write::new("inner-a", Behaviour::Succeed)))
            .step(StepDef::new("b", Write::new("inner-b", Behaviour::Succeed))),
    );
    engine.register(
        WorkflowDef::new("outer")
            .step(StepDef::new(
                "start",
                Write::new("start", Behaviour::Succeed),
            ))
            .workflow("inner", inner, None)
            .hook("after-inner")
            .step(StepDef::new(
                "end",
                Write::new("end", Behaviour::FailWhenAsked),
            )),
    );
    engine.on_hook(
        "outer",
        "after-inner",
        Write::new("hooked", Behaviour::Succeed),
    );

    engine.run("outer", Some("ok"), json!({})).await.unwrap();
    assert_eq!(
        labels(&t.db, &engine.env().registry).await,
        ["start", "inner-a", "inner-b", "hooked", "end"]
    );
    let nested = engine
        .execution("inner", "ok/inner")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        nested.state,
        ExecutionState::Done,
        "the nested run has its own journal"
    );

    engine
        .run("outer", Some("bad"), json!({"fail_at": "end"}))
        .await
        .unwrap_err();
    assert_eq!(
        labels(&t.db, &engine.env().registry).await.len(),
        5,
        "the failed run left nothing"
    );
    let nested = engine
        .execution("inner", "bad/inner")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(nested.state, ExecutionState::Reverted);
    let outer = engine.execution("outer", "bad").await.unwrap().unwrap();
    assert!(
        outer
            .steps
            .iter()
            .any(|s| s.step_id == "hook:after-inner:0" && s.state == StepState::Compensated)
    );
}

#[tokio::test]
async fn a_failed_compensation_is_recorded() {
    let t = databases::sqlite().await;
    let engine = engine(&t.db).await;
    engine.register(
        WorkflowDef::new("broken")
            .step(StepDef::new(
                "stuck",
                Write::new("stuck", Behaviour::BrokenCompensation),
            ))
            .step(StepDef::new(
                "fails",
                Write::new("fails", Behaviour::FailWhenAsked),
            )),
    );
    let err = engine
        .run("broken", Some("b"), json!({"fail_at": "fails"}))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            WorkflowError::Failed {
                compensation_failed: true,
                ..
            }
        ),
        "{err:?}"
    );
    let record = engine.execution("broken", "b").await.unwrap().unwrap();
    assert_eq!(record.state, ExecutionState::Failed);
    assert_eq!(record.steps[0].state, StepState::CompensationFailed);
    assert_eq!(record.steps[0].error.as_deref(), Some("compensation broke"));
}

async fn fixture(args: &[&str]) -> std::process::Output {
    let bin = medusa_tests::host_binary()
        .with_file_name(format!("workflow_fixture{}", std::env::consts::EXE_SUFFIX));
    tokio::process::Command::new(bin)
        .args(args)
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn killed_mid_workflow_then_recovered_by_compensation() {
    let mut targets = vec![
        (databases::sqlite().await, "two"),
        (databases::sqlite().await, "three"),
    ];
    if let Some(pg) = databases::postgres().await {
        targets.push((pg, "three"));
    }
    for (t, crash_at) in targets {
        let url = t.url.clone();
        let out = fixture(&["run", &url, crash_at]).await;
        assert!(!out.status.success(), "the fixture must crash: {out:?}");
        let engine = engine(&t.db).await;
        let record = engine
            .execution("three-steps", "crash-test")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            record.state,
            ExecutionState::Running,
            "left running by the crash"
        );
        assert_eq!(
            record.steps.last().map(|s| s.state),
            Some(StepState::Invoking)
        );

        let out = fixture(&["recover", &url]).await;
        assert!(out.status.success(), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("crash-test"),
            "{out:?}"
        );
        let record = engine
            .execution("three-steps", "crash-test")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            record.state,
            ExecutionState::Reverted,
            "{}: {record:?}",
            t.name
        );
        let last = record.steps.last().unwrap();
        assert_eq!(
            (last.step_id.as_str(), last.state),
            (crash_at, StepState::Interrupted)
        );
        assert!(
            record
                .steps
                .iter()
                .rev()
                .skip(1)
                .all(|s| s.state == StepState::Compensated)
        );
        assert!(
            labels(&t.db, &engine.env().registry).await.is_empty(),
            "{}: nothing half-written",
            t.name
        );
        assert!(outbox_names(&t.db).await.is_empty());
    }
}

#[tokio::test]
async fn recovery_finishes_an_execution_whose_steps_all_completed() {
    let t = databases::sqlite().await;
    let engine: Arc<WorkflowEngine> = engine(&t.db).await;
    engine.register(three_steps());
    // The crash window between the last step's commit and the final update:
    // the journal has every step done while the execution is still running.
    let Database::Sqlite(pool) = &t.db else {
        unreachable!()
    };
    sqlx::query("INSERT INTO workflow_execution (id, workflow_id, transaction_id, state, heartbeat_at) VALUES ('wfexec_1', 'three', 'window', 'running', '2000-01-01T00:00:00.000Z')")
        .execute(pool)
        .await
        .unwrap();
    for (pos, id) in ["one", "two", "three"].iter().enumerate() {
        sqlx::query("INSERT INTO workflow_step (execution_id, step_id, position, state, attempts, output, events) VALUES ('wfexec_1', ?, ?, 'done', 1, ?, ?)")
            .bind(id)
            .bind(pos as i64 + 1)
            .bind(json!({ "label": id }).to_string())
            .bind(json!([{ "name": "entry.created", "data": { "label": id } }]).to_string())
            .execute(pool)
            .await
            .unwrap();
    }
    let report = engine.recover(Duration::from_secs(60)).await.unwrap();
    assert_eq!(report.resumed, ["window"]);
    let record = engine.execution("three", "window").await.unwrap().unwrap();
    assert_eq!(record.state, ExecutionState::Done);
    assert_eq!(record.output, json!({ "label": "three" }));
    assert_eq!(
        outbox_names(&t.db).await.len(),
        3,
        "the staged events were released"
    );
    // A fresh running execution (recent heartbeat) is left to its host.
    assert_eq!(
        engine.recover(Duration::from_secs(60)).await.unwrap(),
        Default::default()
    );
    assert_eq!(engine.purge_expired(Duration::ZERO).await.unwrap(), 1);
    assert!(engine.execution("three", "window").await.unwrap().is_none());
    let _ = Value::Null;
}

/// A chain runs its links in one transaction: a failing link rolls back
/// the links before it (nothing to compensate), a later step failing
/// compensates every link in reverse, and a chain's links are results
/// (and result steps) like separate steps. Also with a fresh transaction
/// id, whose execution is journaled in the first step's transaction.
#[tokio::test]
async fn a_chain_commits_or_rolls_back_as_one_step() {
    let chained = || {
        WorkflowDef::new("chained")
            .step(StepDef::chain(
                "pair",
                vec![
                    StepDef::new("one", Write::new("one", Behaviour::FailWhenAsked)),
                    StepDef::new("two", Write::new("two", Behaviour::FailWhenAsked)),
                ],
            ))
            .step(StepDef::new(
                "three",
                Write::new("three", Behaviour::FailWhenAsked),
            ))
            .returns("one")
    };
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        engine.register(chained());
        let run = engine.run("chained", None, json!({})).await.unwrap();
        assert_eq!(
            run.output["label"], "one",
            "{}: a link as result step",
            t.name
        );
        assert_eq!(
            labels(&t.db, &engine.env().registry).await,
            ["one", "two", "three"]
        );
        let record = engine
            .execution("chained", &run.transaction_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.state, ExecutionState::Done);
        assert_eq!(
            states(&record.steps),
            [
                ("pair".into(), StepState::Done),
                ("three".into(), StepState::Done)
            ]
        );

        let err = engine
            .run("chained", None, json!({"fail_at": "two"}))
            .await
            .unwrap_err();
        assert!(matches!(err, WorkflowError::Failed { ref step, .. } if step == "pair"));
        assert_eq!(
            labels(&t.db, &engine.env().registry).await,
            ["one", "two", "three"],
            "{}: the failed chain left nothing",
            t.name
        );

        let err = engine
            .run("chained", None, json!({"fail_at": "three"}))
            .await
            .unwrap_err();
        assert!(matches!(err, WorkflowError::Failed { ref step, .. } if step == "three"));
        assert_eq!(
            labels(&t.db, &engine.env().registry).await,
            ["one", "two", "three"],
            "{}: both links compensated",
            t.name
        );
    }
}

/// A one-step workflow with a fresh transaction id journals its execution
/// once, done, with its output and input, in the step's transaction.
#[tokio::test]
async fn a_one_step_run_is_journaled_done_in_its_step() {
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        engine.register(WorkflowDef::new("single").step(StepDef::new(
            "only",
            Write::new("only", Behaviour::FailWhenAsked),
        )));
        let run = engine
            .run("single", None, json!({ "note": 1 }))
            .await
            .unwrap();
        let record = engine
            .execution("single", &run.transaction_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.state, ExecutionState::Done, "{}", t.name);
        assert_eq!(record.input, json!({ "note": 1 }));
        assert_eq!(record.output, run.output);
        assert_eq!(states(&record.steps), [("only".into(), StepState::Done)]);
        assert_eq!(outbox_names(&t.db).await, ["entry.created"]);
        let err = engine
            .run("single", None, json!({ "fail_at": "only" }))
            .await
            .unwrap_err();
        assert!(
            matches!(err, WorkflowError::Failed { .. }),
            "{}: {err:?}",
            t.name
        );
        assert_eq!(labels(&t.db, &engine.env().registry).await, ["only"]);
    }
}

/// A PostgreSQL setting as `exec`'s session (or transaction) sees it.
async fn current_setting(exec: &mut Exec<'_>, name: &str) -> Result<Value, DbError> {
    let mut select = sea_query::Query::select();
    select.expr_as(
        sea_query::Expr::cust_with_values("current_setting($1)", [name]),
        sea_query::Alias::new("setting"),
    );
    let column = ColumnSpec {
        name: "setting".into(),
        kind: ColumnKind::Text,
    };
    let rows = exec.fetch(&select, &[column]).await?;
    Ok(rows
        .first()
        .and_then(|r| r.get("setting").cloned())
        .unwrap_or_default())
}

/// A step answering `synchronous_commit` as its own transaction sees it.
fn commit_setting<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let setting = current_setting(&mut ctx.exec(), "synchronous_commit")
            .await
            .map_err(|e| StepError::new(e.to_string()))?;
        Ok(StepOutput::new(setting))
    })
}

#[tokio::test]
async fn only_relaxed_workflows_commit_without_waiting_for_the_disk_where_allowed() {
    let Some(t) = databases::postgres().await else {
        return;
    };
    let setting_of = |relaxed_commits: bool, def: WorkflowDef| {
        let db = t.db.clone();
        async move {
            let engine = WorkflowEngine::new(
                WorkflowEnv::new(db, Arc::new(Default::default()))
                    .with_relaxed_commits(relaxed_commits),
            );
            engine.register(def);
            engine.run("setting", None, json!({})).await.unwrap().output
        }
    };
    let step = || StepDef::func("setting", commit_setting, None);
    let relaxed = || WorkflowDef::new("setting").step(step()).relaxed_commit();
    let durable = || WorkflowDef::new("setting").step(step());
    assert_eq!(setting_of(true, relaxed()).await, "off");
    assert_eq!(setting_of(true, durable()).await, "on");
    assert_eq!(setting_of(false, relaxed()).await, "on");
    // And every pooled connection plans a statement once (generic plans).
    let mode = current_setting(&mut Exec::Db(&t.db), "plan_cache_mode").await;
    assert_eq!(mode.unwrap(), "force_generic_plan");
}

/// Queues the entry `queued` to go with the step's journal entry.
fn queue_entry<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let ledger = ctx
            .env()
            .registry
            .service("ledger")
            .ok_or_else(|| StepError::new("no ledger"))?;
        let dialect = ctx.exec().dialect();
        let row = json!({ "label": "queued" }).as_object().cloned().unwrap();
        let (insert, _) = ledger.insert_statement(dialect, "entry", &[row], &[])?;
        ctx.write_with_journal(vec![insert.into()]);
        Ok(StepOutput::new(json!({ "queued": true })))
    })
}

#[tokio::test]
async fn writes_queued_with_the_journal_land_only_when_the_step_ends_well() {
    let chained = || {
        WorkflowDef::new("queued")
            .step(StepDef::chain(
                "pair",
                vec![
                    StepDef::func("queue", queue_entry, None),
                    StepDef::new("two", Write::new("two", Behaviour::FailWhenAsked)),
                ],
            ))
            .returns("two")
    };
    for t in databases::all().await {
        let engine = engine(&t.db).await;
        engine.register(chained());
        let err = engine
            .run("queued", None, json!({ "fail_at": "two" }))
            .await
            .unwrap_err();
        assert!(matches!(err, WorkflowError::Failed { ref step, .. } if step == "pair"));
        assert!(
            labels(&t.db, &engine.env().registry).await.is_empty(),
            "{}: a chain failing after the queue writes nothing",
            t.name
        );
        let run = engine.run("queued", None, json!({})).await.unwrap();
        assert_eq!(run.output["label"], "two");
        let mut written = labels(&t.db, &engine.env().registry).await;
        written.sort();
        assert_eq!(written, ["queued", "two"], "{}", t.name);
    }
}
