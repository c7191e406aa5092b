//! Migrating module tables and link tables to the registered descriptions:
//! plan every change first, refuse the lot when something is blocked or
//! destructive (unless allowed), then apply everything in one transaction and
//! store the new descriptions.

use std::collections::BTreeMap;

use crate::db::{Database, DbError};
use crate::framework::data::plan::{self, MigrationPlan};
use crate::framework::data::snapshot::{self, SnapshotKind};
use crate::framework::dml::{LinkDef, ModuleDef};

use super::{Registry, index_upgrade};

#[derive(Debug, thiserror::Error)]
pub enum MigrateModulesError {
    #[error("these changes cannot be applied automatically:\n  {}", .0.join("\n  "))]
    Blocked(Vec<String>),
    #[error(
        "these changes would destroy data:\n  {}\nrun `medusa db migrate --allow-destructive` to apply them",
        .0.join("\n  ")
    )]
    Destructive(Vec<String>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a module migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleMigrationReport {
    pub applied: Vec<String>,
}

struct Planned {
    modules: Vec<(ModuleDef, MigrationPlan)>,
    removed_modules: Vec<(String, MigrationPlan)>,
    links: MigrationPlan,
}

async fn plan_all(db: &Database, registry: &Registry) -> Result<Planned, DbError> {
    let dialect = db.dialect();
    let stored: BTreeMap<String, ModuleDef> = snapshot::load_all(db, SnapshotKind::Module)
        .await?
        .into_iter()
        .collect();
    let stored_links: Vec<LinkDef> = snapshot::load_all(db, SnapshotKind::Link)
        .await?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    let mut modules = Vec::new();
    for module in registry.modules() {
        let plan = plan::plan_module(stored.get(&module.name), module, dialect);
        modules.push((module.as_ref().clone(), plan));
    }
    let mut removed_modules = Vec::new();
    for (name, old) in &stored {
        if registry.module(name).is_none() {
            removed_modules.push((
                name.clone(),
                plan::plan_module(Some(old), &ModuleDef::new(name), dialect),
            ));
        }
    }
    let links = plan::plan_links(&stored_links, registry.links(), dialect);
    Ok(Planned {
        modules,
        removed_modules,
        links,
    })
}

/// Descriptions of the changes `medusa db migrate` would make.
pub async fn pending_module_changes(
    db: &Database,
    registry: &Registry,
) -> Result<Vec<String>, DbError> {
    let planned = plan_all(db, registry).await?;
    let mut out = Vec::new();
    for plan in planned
        .modules
        .iter()
        .map(|(_, p)| p)
        .chain(planned.removed_modules.iter().map(|(_, p)| p))
        .chain([&planned.links])
    {
        out.extend(plan.changes.iter().map(|c| c.description.clone()));
        out.extend(plan.blocked.iter().cloned());
    }
    for upgrade in index_upgrade::pending(db, registry).await? {
        out.push(upgrade.description);
    }
    Ok(out)
}

/// Brings module and link tables in line with `registry`.
pub async fn migrate_modules(
    db: &Database,
    registry: &Registry,
    allow_destructive: bool,
) -> Result<ModuleMigrationReport, MigrateModulesError> {
    let planned = plan_all(db, registry).await?;
    let all_plans = || {
        planned
            .modules
            .iter()
            .map(|(_, p)| p)
            .chain(planned.removed_modules.iter().map(|(_, p)| p))
            .chain([&planned.links])
    };
    let blocked: Vec<String> = all_plans()
        .flat_map(|p| p.blocked.iter().cloned())
        .collect();
    if !blocked.is_empty() {
        return Err(MigrateModulesError::Blocked(blocked));
    }
    let destructive: Vec<String> = all_plans()
        .flat_map(|p| p.destructive().map(|c| c.description.clone()))
        .collect();
    if !destructive.is_empty() && !allow_destructive {
        return Err(MigrateModulesError::Destructive(destructive));
    }
    let index_upgrades = index_upgrade::pending(db, registry).await?;
    let mut report = ModuleMigrationReport::default();
    let mut tx = db.begin().await?;
    for plan in all_plans() {
        for change in &plan.changes {
            for sql in &change.sql {
                tx.execute_raw(sql, &[]).await?;
            }
            tracing::info!(change = %change.description, "schema change applied");
            report.applied.push(change.description.clone());
        }
    }
    index_upgrade::apply(&mut tx, &index_upgrades).await?;
    for upgrade in index_upgrades {
        tracing::info!(change = %upgrade.description, "schema change applied");
        report.applied.push(upgrade.description);
    }
    for (module, plan) in &planned.modules {
        if !plan.is_empty() || report.applied.is_empty() {
            snapshot::store(&mut tx, SnapshotKind::Module, &module.name, module).await?;
        }
    }
    for (name, _) in &planned.removed_modules {
        snapshot::remove(&mut tx, SnapshotKind::Module, name).await?;
    }
    let stored_links: Vec<LinkDef> = snapshot::load_all(db, SnapshotKind::Link)
        .await?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    for link in &stored_links {
        if !registry.links().iter().any(|l| l.table() == link.table()) {
            snapshot::remove(&mut tx, SnapshotKind::Link, &link.table()).await?;
        }
    }
    for link in registry.links() {
        snapshot::store(&mut tx, SnapshotKind::Link, &link.table(), link).await?;
    }
    tx.commit().await?;
    Ok(report)
}
