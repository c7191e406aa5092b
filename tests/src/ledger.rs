//! A tiny module and workflow steps for workflow tests: each step writes a
//! ledger entry and its compensation deletes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use medusa_host::db::{Database, Exec};
use medusa_host::framework::data::FindOptions;
use medusa_host::framework::dml::{ModelDef, ModuleDef};
use medusa_host::framework::modules::{Registry, migrate_modules};
use medusa_host::framework::workflows::{
    CompensateContext, StepContext, StepError, StepFuture, StepHandler, StepOutput, WorkflowEngine,
    WorkflowEnv,
};
use serde_json::{Value, json};

/// The `ledger` module: one model, `entry`.
pub fn ledger_module() -> ModuleDef {
    ModuleDef::new("ledger").model(ModelDef::new("entry", "ent").text("label"))
}

/// A migrated registry with the ledger module, and an engine over it.
pub async fn engine(db: &Database) -> Arc<WorkflowEngine> {
    let mut registry = Registry::new();
    registry.register(ledger_module()).expect("register ledger");
    migrate_modules(db, &registry, false)
        .await
        .expect("migrate ledger");
    WorkflowEngine::new(WorkflowEnv::new(db.clone(), Arc::new(registry)))
}

/// Labels of the entries in the ledger, oldest first.
pub async fn labels(db: &Database, registry: &Registry) -> Vec<String> {
    let ledger = registry.service("ledger").expect("ledger");
    ledger
        .list(
            &mut Exec::Db(db),
            "entry",
            &Value::Null,
            &FindOptions::default(),
        )
        .await
        .expect("list entries")
        .iter()
        .map(|r| r["label"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// What a [`Write`] step does beyond writing its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Succeed,
    /// Fails when the workflow input has `"fail_at": <label>`.
    FailWhenAsked,
    /// Fails this many times, then succeeds.
    Flaky(u32),
    /// Sleeps this long after writing.
    Slow(Duration),
    /// Aborts the whole process after writing (crash tests).
    Crash,
    /// Its compensation fails.
    BrokenCompensation,
}

/// A step that writes the entry `label` and emits `entry.created`.
pub struct Write {
    pub label: &'static str,
    pub behaviour: Behaviour,
    pub calls: AtomicU32,
    /// Labels of compensations, in the order they ran.
    pub log: Option<Arc<std::sync::Mutex<Vec<&'static str>>>>,
}

impl Write {
    pub fn new(label: &'static str, behaviour: Behaviour) -> Arc<Self> {
        Arc::new(Self {
            label,
            behaviour,
            calls: AtomicU32::new(0),
            log: None,
        })
    }

    /// Like [`Write::new`], appending to `log` when compensated.
    pub fn logged(
        label: &'static str,
        behaviour: Behaviour,
        log: &Arc<std::sync::Mutex<Vec<&'static str>>>,
    ) -> Arc<Self> {
        Arc::new(Self {
            label,
            behaviour,
            calls: AtomicU32::new(0),
            log: Some(log.clone()),
        })
    }
}

impl StepHandler for Write {
    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
        Box::pin(async move {
            let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let ledger = ctx
                .env()
                .registry
                .service("ledger")
                .ok_or_else(|| StepError::new("no ledger"))?;
            let created = ledger
                .create(
                    &mut ctx.exec(),
                    "entry",
                    vec![
                        json!({"label": self.label})
                            .as_object()
                            .cloned()
                            .unwrap_or_default(),
                    ],
                )
                .await?;
            let id = created[0]["id"].clone();
            ctx.emit("entry.created", json!({ "id": id }));
            match self.behaviour {
                Behaviour::FailWhenAsked if ctx.input()["fail_at"] == self.label => {
                    return Err(StepError::permanent(
                        "not_allowed",
                        format!("step {} refused", self.label),
                    ));
                }
                Behaviour::Flaky(failures) if call <= failures => {
                    return Err(StepError::new(format!("flaky failure {call}")));
                }
                Behaviour::Slow(delay) => tokio::time::sleep(delay).await,
                Behaviour::Crash => std::process::abort(),
                _ => {}
            }
            Ok(StepOutput::new(json!({ "id": id, "label": self.label }))
                .compensate_with(json!({ "id": id })))
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        Box::pin(async move {
            if self.behaviour == Behaviour::BrokenCompensation {
                return Err(StepError::new("compensation broke"));
            }
            let ledger = ctx
                .env()
                .registry
                .service("ledger")
                .ok_or_else(|| StepError::new("no ledger"))?;
            let id = ctx.data()["id"].as_str().unwrap_or_default().to_owned();
            ledger.delete(&mut ctx.exec(), "entry", &[id]).await?;
            if let Some(log) = &self.log
                && let Ok(mut log) = log.lock()
            {
                log.push(self.label);
            }
            Ok(())
        })
    }
}
