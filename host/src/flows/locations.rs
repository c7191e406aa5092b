//! Stock location and fulfillment-set workflows behind
//! `/admin/stock-locations` and `/admin/fulfillment-sets`: locations with
//! their address, a location's fulfillment sets, a set's service zones with
//! their geo zones. Each is one step in one transaction; each emits the
//! spec's `<entity>.created|updated|deleted`.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::data::{ModuleService, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};

pub const CREATE_LOCATION: &str = "create-stock-locations";
pub const UPDATE_LOCATION: &str = "update-stock-locations";
pub const DELETE_LOCATION: &str = "delete-stock-locations";
pub const CREATE_FULFILLMENT_SET: &str = "create-location-fulfillment-set";
pub const DELETE_FULFILLMENT_SET: &str = "delete-fulfillment-sets";
pub const CREATE_SERVICE_ZONE: &str = "create-service-zones";
pub const DELETE_SERVICE_ZONE: &str = "delete-service-zones";
pub const UPDATE_SERVICE_ZONE: &str = "update-service-zones";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE_LOCATION).step(StepDef::func("create-location", create, None)),
        WorkflowDef::new(UPDATE_LOCATION).step(StepDef::func("update-location", update, None)),
        WorkflowDef::new(DELETE_LOCATION).step(StepDef::func("delete-location", delete, None)),
        WorkflowDef::new(CREATE_FULFILLMENT_SET).step(StepDef::func(
            "create-fulfillment-set",
            create_set,
            None,
        )),
        WorkflowDef::new(DELETE_FULFILLMENT_SET).step(StepDef::func(
            "delete-fulfillment-set",
            delete_set,
            None,
        )),
        WorkflowDef::new(CREATE_SERVICE_ZONE).step(StepDef::func(
            "create-service-zone",
            create_zone,
            None,
        )),
        WorkflowDef::new(UPDATE_SERVICE_ZONE).step(StepDef::func(
            "update-service-zone",
            update_zone,
            None,
        )),
        WorkflowDef::new(DELETE_SERVICE_ZONE).step(StepDef::func(
            "delete-service-zone",
            delete_zone,
            None,
        )),
    ]
}

fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("no {module} module")))
}

fn row(value: &Value) -> Row {
    value.as_object().cloned().unwrap_or_default()
}

fn pick(input: &Value, keys: &[&str]) -> Row {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), input.get(*k)?.clone())))
        .collect()
}

fn first_id(rows: &[Row]) -> String {
    rows.first()
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Creates or updates the location's address from `address`.
async fn write_address(
    exec: &mut Exec<'_>,
    locations: &ModuleService,
    current: Option<&str>,
    address: &Value,
) -> Result<String, StepError> {
    let mut data = row(address);
    if let Some(Value::String(code)) = data.get_mut("country_code") {
        *code = code.to_lowercase();
    }
    match current {
        Some(id) => {
            locations
                .update_by_id(exec, "stock_location_address", id, &data)
                .await?;
            Ok(id.to_owned())
        }
        None => Ok(first_id(
            &locations
                .create(exec, "stock_location_address", vec![data])
                .await?,
        )),
    }
}

fn create<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let locations = svc(&env, "stock_location")?;
        let mut exec = ctx.exec();
        let mut data = pick(&input, &["name", "metadata", "address_id"]);
        if let Some(address) = input.get("address").filter(|a| a.is_object()) {
            let id = write_address(&mut exec, &locations, None, address).await?;
            data.insert("address_id".into(), Value::String(id));
        }
        let id = first_id(
            &locations
                .create(&mut exec, "stock_location", vec![data])
                .await?,
        );
        ctx.emit("stock-location.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn update<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let locations = svc(&env, "stock_location")?;
        let mut exec = ctx.exec();
        let current = locations
            .retrieve(&mut exec, "stock_location", &id, None)
            .await?;
        let mut data = pick(&input, &["name", "metadata", "address_id"]);
        if let Some(address) = input.get("address").filter(|a| a.is_object()) {
            let existing = current.get("address_id").and_then(Value::as_str);
            let address_id = write_address(&mut exec, &locations, existing, address).await?;
            data.insert("address_id".into(), Value::String(address_id));
        }
        if !data.is_empty() {
            locations
                .update_by_id(&mut exec, "stock_location", &id, &data)
                .await?;
        }
        ctx.emit("stock-location.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        svc(&env, "stock_location")?
            .soft_delete(&mut exec, "stock_location", std::slice::from_ref(&id))
            .await?;
        ctx.emit("stock-location.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn create_set<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let location = input["location_id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        svc(&env, "stock_location")?
            .retrieve(&mut exec, "stock_location", &location, None)
            .await?;
        let set = first_id(
            &svc(&env, "fulfillment")?
                .create(
                    &mut exec,
                    "fulfillment_set",
                    vec![pick(&input, &["name", "type", "metadata"])],
                )
                .await?,
        );
        links::create(
            &mut exec,
            &env.registry,
            &[LinkRef::new(
                "stock_location",
                &location,
                "fulfillment_set",
                &set,
            )],
        )
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
        ctx.emit("fulfillment-set.created", json!({ "id": set }));
        Ok(StepOutput::new(json!({ "id": set })))
    })
}

fn delete_set<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        svc(&env, "fulfillment")?
            .soft_delete(&mut exec, "fulfillment_set", std::slice::from_ref(&id))
            .await?;
        ctx.emit("fulfillment-set.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

/// Checks one geo zone of a service zone body.
fn geo_zone(zone: &Value) -> Result<Row, StepError> {
    let kind = zone["type"].as_str().unwrap_or("country");
    let needs: &[&str] = match kind {
        "country" => &["country_code"],
        "province" => &["country_code", "province_code"],
        "city" => &["country_code", "province_code", "city"],
        "zip" => &["country_code", "province_code", "city", "postal_expression"],
        other => {
            return Err(StepError::permanent(
                "invalid_data",
                format!("Invalid geo zone type: {other}"),
            ));
        }
    };
    if let Some(missing) = needs.iter().find(|k| zone[**k].is_null()) {
        return Err(StepError::permanent(
            "invalid_data",
            format!("A geo zone of type {kind} needs {missing}"),
        ));
    }
    let mut data = pick(
        zone,
        &[
            "type",
            "country_code",
            "province_code",
            "city",
            "postal_expression",
            "metadata",
        ],
    );
    data.insert("type".into(), Value::String(kind.to_owned()));
    for key in ["country_code", "province_code"] {
        if let Some(Value::String(code)) = data.get_mut(key) {
            *code = code.to_lowercase();
        }
    }
    Ok(data)
}

fn create_zone<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let set = input["fulfillment_set_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let geo: Vec<Row> = input["geo_zones"]
            .as_array()
            .into_iter()
            .flatten()
            .map(geo_zone)
            .collect::<Result<_, _>>()?;
        let fulfillment = svc(&env, "fulfillment")?;
        let mut exec = ctx.exec();
        fulfillment
            .retrieve(&mut exec, "fulfillment_set", &set, None)
            .await?;
        let mut zone = pick(&input, &["name", "metadata"]);
        zone.insert("fulfillment_set_id".into(), Value::String(set));
        let zone_id = first_id(
            &fulfillment
                .create(&mut exec, "service_zone", vec![zone])
                .await?,
        );
        let geo: Vec<Row> = geo
            .into_iter()
            .map(|mut g| {
                g.insert("service_zone_id".into(), Value::String(zone_id.clone()));
                g
            })
            .collect();
        fulfillment.create(&mut exec, "geo_zone", geo).await?;
        ctx.emit("service-zone.created", json!({ "id": zone_id }));
        Ok(StepOutput::new(json!({ "id": zone_id })))
    })
}

/// Renames a zone and, when `geo_zones` is given, makes them exactly that
/// list: entries with an `id` are updated, others added, the rest removed.
fn update_zone<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let fulfillment = svc(&env, "fulfillment")?;
        let mut exec = ctx.exec();
        let changes = pick(&input, &["name", "metadata"]);
        if changes.is_empty() {
            fulfillment
                .retrieve(&mut exec, "service_zone", &id, None)
                .await?;
        } else {
            fulfillment
                .update_by_id(&mut exec, "service_zone", &id, &changes)
                .await?;
        }
        if let Some(wanted) = input["geo_zones"].as_array() {
            let current: Vec<String> = fulfillment
                .list(
                    &mut exec,
                    "geo_zone",
                    &json!({ "service_zone_id": id }),
                    &Default::default(),
                )
                .await?
                .iter()
                .filter_map(|g| g.get("id")?.as_str().map(str::to_owned))
                .collect();
            let kept: Vec<&str> = wanted.iter().filter_map(|g| g["id"].as_str()).collect();
            if let Some(unknown) = kept.iter().find(|k| !current.iter().any(|c| c == *k)) {
                return Err(StepError::permanent(
                    "not_found",
                    format!("Geo zone with id: {unknown} was not found in this service zone"),
                ));
            }
            let gone: Vec<String> = current
                .iter()
                .filter(|c| !kept.contains(&c.as_str()))
                .cloned()
                .collect();
            fulfillment.delete(&mut exec, "geo_zone", &gone).await?;
            let mut fresh = Vec::new();
            for zone in wanted {
                let mut data = geo_zone(zone)?;
                match zone["id"].as_str() {
                    Some(geo) => {
                        fulfillment
                            .update_by_id(&mut exec, "geo_zone", geo, &data)
                            .await?;
                    }
                    None => {
                        data.insert("service_zone_id".into(), Value::String(id.clone()));
                        fresh.push(data);
                    }
                }
            }
            fulfillment.create(&mut exec, "geo_zone", fresh).await?;
        }
        ctx.emit("service-zone.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn delete_zone<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = ctx.input()["id"].as_str().unwrap_or_default().to_owned();
        let mut exec = ctx.exec();
        svc(&env, "fulfillment")?
            .soft_delete(&mut exec, "service_zone", std::slice::from_ref(&id))
            .await?;
        ctx.emit("service-zone.deleted", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_geo_zone_needs_the_fields_of_its_type() {
        assert!(geo_zone(&json!({ "type": "country", "country_code": "US" })).is_ok());
        assert!(geo_zone(&json!({ "type": "province", "country_code": "us" })).is_err());
        assert!(geo_zone(&json!({ "type": "planet", "country_code": "us" })).is_err());
        let zone = geo_zone(&json!({ "country_code": "DE" })).unwrap();
        assert_eq!(zone["type"], "country");
        assert_eq!(zone["country_code"], "de");
    }
}
