//! What every store has from its first boot, demo or not (as Medusa's module
//! loaders do): the ISO 4217 currencies, the ISO 3166 countries (in no region
//! yet), the system payment provider and manual fulfillment provider, and a
//! store "Medusa Store" with a "Default Sales Channel" selling in EUR.
//!
//! Each part only adds what is missing, in its own transaction; a part that a
//! peer host wrote at the same moment (a duplicate) is left to it.

use std::collections::HashSet;

use iso_currency::{Currency, IntoEnumIterator};
use serde_json::{Value, json};

use super::SeedError;
use crate::db::{Database, Exec};
use crate::framework::data::{FindOptions, Row, ServiceError};
use crate::framework::modules::Registry;

/// Adds whatever of the defaults is missing.
pub async fn ensure_defaults(db: &Database, registry: &Registry) -> Result<(), SeedError> {
    let currencies: Vec<Value> = Currency::iter()
        .filter(|c| !c.is_fund() && !c.is_special() && c.is_superseded().is_none())
        .map(|c| {
            let code = c.code().to_lowercase();
            let symbol = c.symbol().symbol;
            json!({
                "id": code, "code": code, "name": c.name(), "symbol": symbol,
                "symbol_native": symbol, "decimal_digits": c.exponent().unwrap_or(0),
            })
        })
        .collect();
    add_missing(db, registry, ("currency", "currency"), currencies).await?;

    let countries: Vec<Value> = rust_iso3166::ALL
        .iter()
        .map(|c| {
            let iso2 = c.alpha2.to_lowercase();
            json!({
                "id": iso2, "iso_2": iso2, "iso_3": c.alpha3.to_lowercase(),
                "num_code": format!("{:03}", c.numeric), "name": c.name.to_uppercase(),
                "display_name": c.name, "region_id": null,
            })
        })
        .collect();
    add_missing(db, registry, ("region", "country"), countries).await?;
    add_missing(
        db,
        registry,
        ("payment", "payment_provider"),
        vec![json!({ "id": "pp_system_default" })],
    )
    .await?;
    add_missing(
        db,
        registry,
        ("fulfillment", "fulfillment_provider"),
        vec![json!({ "id": "manual_manual" })],
    )
    .await?;
    ensure_store(db, registry).await
}

fn service(
    registry: &Registry,
    module: &str,
) -> Result<crate::framework::data::ModuleService, SeedError> {
    registry
        .service(module)
        .ok_or_else(|| SeedError::Admin(format!("no {module} module")))
}

/// Creates the `wanted` rows (with ids) of `model` that do not exist yet.
async fn add_missing(
    db: &Database,
    registry: &Registry,
    (module, model): (&str, &str),
    wanted: Vec<Value>,
) -> Result<(), SeedError> {
    let svc = service(registry, module)?;
    let existing: HashSet<String> = svc
        .list(
            &mut Exec::Db(db),
            model,
            &Value::Null,
            &FindOptions {
                with_deleted: true,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let missing: Vec<Row> = wanted
        .into_iter()
        .filter(|w| w["id"].as_str().is_some_and(|id| !existing.contains(id)))
        .filter_map(|w| w.as_object().cloned())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    match svc.create(&mut Exec::Tx(&mut tx), model, missing).await {
        Ok(created) => {
            tx.commit().await?;
            tracing::info!(model, count = created.len(), "added defaults");
            Ok(())
        }
        Err(ServiceError::Duplicate(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The store and its default sales channel, when there is no store. Hosts
/// booting together on an empty PostgreSQL database take turns (an advisory
/// lock held by the transaction), so only one creates it.
async fn ensure_store(db: &Database, registry: &Registry) -> Result<(), SeedError> {
    if !super::is_empty(db, registry).await? {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    if tx.dialect() == crate::db::Dialect::Postgres {
        tx.execute_raw("SELECT pg_advisory_xact_lock(7263151001)", &[])
            .await?;
        let stores = service(registry, "store")?
            .count(&mut Exec::Tx(&mut tx), "store", &Value::Null, false)
            .await?;
        if stores > 0 {
            return Ok(());
        }
    }
    let mut exec = Exec::Tx(&mut tx);
    let channel = service(registry, "sales_channel")?
        .create(
            &mut exec,
            "sales_channel",
            vec![row(
                json!({ "name": "Default Sales Channel", "description": "Created by default" }),
            )],
        )
        .await?;
    let channel_id = channel
        .first()
        .and_then(|c| c.get("id"))
        .cloned()
        .unwrap_or(Value::Null);
    let stores = service(registry, "store")?;
    let store = stores
        .create(
            &mut exec,
            "store",
            vec![row(
                json!({ "name": "Medusa Store", "default_sales_channel_id": channel_id }),
            )],
        )
        .await?;
    let store_id = store
        .first()
        .and_then(|s| s.get("id"))
        .cloned()
        .unwrap_or(Value::Null);
    stores
        .create(
            &mut exec,
            "store_currency",
            vec![row(
                json!({ "store_id": store_id, "currency_code": "eur", "is_default": true }),
            )],
        )
        .await?;
    tx.commit().await?;
    tracing::info!("created the default store and sales channel");
    Ok(())
}

fn row(value: Value) -> Row {
    value.as_object().cloned().unwrap_or_default()
}
