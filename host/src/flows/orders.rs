//! Order workflows behind `/admin/orders`: fulfil items (their reserved
//! stock leaves the warehouse), ship and deliver a fulfillment, cancel an
//! order (its reservations and authorized payments are released), and capture
//! a payment. Each is one step in one transaction and emits the spec's event
//! (`order.fulfillment_created`, `shipment.created`, `delivery.created`,
//! `order.canceled`, `payment.captured`).

use serde_json::{Value, json};

use crate::db::Exec;
use crate::db::codec::format_timestamp;
use crate::framework::data::{FindOptions, ModuleService, Row};
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef, WorkflowEnv,
};
use crate::modules::inventory::reserve;

pub const CREATE_FULFILLMENT: &str = "create-order-fulfillment";
pub const CREATE_SHIPMENT: &str = "create-order-shipment";
pub const MARK_DELIVERED: &str = "mark-order-fulfillment-as-delivered";
pub const CANCEL: &str = "cancel-order";
pub const CAPTURE_PAYMENT: &str = "capture-payment";

pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        WorkflowDef::new(CREATE_FULFILLMENT).step(StepDef::func(
            "create-fulfillment",
            fulfil,
            None,
        )),
        WorkflowDef::new(CREATE_SHIPMENT).step(StepDef::func("create-shipment", ship, None)),
        WorkflowDef::new(MARK_DELIVERED).step(StepDef::func("mark-delivered", deliver, None)),
        WorkflowDef::new(CANCEL).step(StepDef::func("cancel-order", cancel, None)),
        WorkflowDef::new(CAPTURE_PAYMENT).step(StepDef::func("capture-payment", capture, None)),
    ]
}

fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("no {module} module")))
}

fn row(value: Value) -> Row {
    value.as_object().cloned().unwrap_or_default()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn not_allowed(message: impl Into<String>) -> StepError {
    StepError::permanent("not_allowed", message)
}

fn now() -> String {
    format_timestamp(chrono::Utc::now())
}

async fn list(
    exec: &mut Exec<'_>,
    service: &ModuleService,
    model: &str,
    filter: Value,
) -> Result<Vec<Row>, StepError> {
    Ok(service
        .list(exec, model, &filter, &FindOptions::default())
        .await?)
}

/// The order, refused when canceled.
async fn open_order(
    exec: &mut Exec<'_>,
    orders: &ModuleService,
    id: &str,
) -> Result<Row, StepError> {
    let order = orders.retrieve(exec, "order", id, None).await?;
    if order.get("status").and_then(Value::as_str) == Some("canceled") {
        return Err(not_allowed(format!(
            "Order with id: {id} has been canceled."
        )));
    }
    Ok(order)
}

/// The fulfillment ids of an order.
async fn fulfillments_of(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    order: &str,
) -> Result<Vec<String>, StepError> {
    let linked = links::list(exec, &env.registry, "order", order)
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    Ok(linked
        .get("fulfillment")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(text)
        .collect())
}

fn fulfil<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let order_id = text(&input["order_id"]);
        let orders = svc(&env, "order")?;
        let inventory = svc(&env, "inventory")?;
        let fulfillment = svc(&env, "fulfillment")?;
        let mut exec = ctx.exec();
        open_order(&mut exec, &orders, &order_id).await?;
        let lines = list(
            &mut exec,
            &orders,
            "order_line_item",
            json!({ "order_id": order_id }),
        )
        .await?;
        let wanted: Vec<(String, i64)> = input["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| (text(&i["id"]), i["quantity"].as_i64().unwrap_or(0)))
            .collect();
        if wanted.is_empty() {
            return Err(StepError::permanent(
                "invalid_data",
                "Invalid request: Field 'items' must not be empty",
            ));
        }
        let mut location = input["location_id"].as_str().map(str::to_owned);
        let mut item_rows = Vec::new();
        for (line_id, quantity) in &wanted {
            let line = lines
                .iter()
                .find(|l| l.get("id").and_then(Value::as_str) == Some(line_id.as_str()))
                .ok_or_else(|| {
                    StepError::permanent(
                        "invalid_data",
                        format!("Item {line_id} is not in order {order_id}"),
                    )
                })?;
            let ordered = line["quantity"].as_i64().unwrap_or(0);
            let done = line["fulfilled_quantity"].as_i64().unwrap_or(0);
            if *quantity < 1 || done + quantity > ordered {
                return Err(not_allowed(format!(
                    "Cannot fulfill {quantity} of item {line_id}: {} left to fulfill",
                    ordered - done
                )));
            }
            // Reserved stock for the line leaves the warehouse.
            let mut inventory_item = Value::Null;
            for reservation in list(
                &mut exec,
                &inventory,
                "reservation_item",
                json!({ "line_item_id": line_id }),
            )
            .await?
            {
                let held = reservation["quantity"].as_i64().unwrap_or(0);
                let per_unit = held / (ordered - done).max(1);
                let taken = (per_unit * quantity).min(held);
                let (item, at) = (
                    text(&reservation["inventory_item_id"]),
                    text(&reservation["location_id"]),
                );
                reserve::fulfil(&mut exec, &item, &at, taken).await?;
                let reservation_id = text(&reservation["id"]);
                if taken == held {
                    inventory
                        .delete(&mut exec, "reservation_item", &[reservation_id])
                        .await?;
                } else {
                    inventory
                        .update_by_id(
                            &mut exec,
                            "reservation_item",
                            &reservation_id,
                            &row(json!({ "quantity": held - taken })),
                        )
                        .await?;
                }
                location.get_or_insert(at);
                inventory_item = json!(item);
            }
            orders
                .update_by_id(
                    &mut exec,
                    "order_line_item",
                    line_id,
                    &row(json!({ "fulfilled_quantity": done + quantity })),
                )
                .await?;
            item_rows.push(json!({
                "title": line["title"], "sku": line["variant_sku"].as_str().unwrap_or(""), "quantity": quantity,
                "line_item_id": line_id, "inventory_item_id": inventory_item,
            }));
        }
        let methods = list(
            &mut exec,
            &orders,
            "order_shipping_method",
            json!({ "order_id": order_id }),
        )
        .await?;
        let created = fulfillment
            .create(
                &mut exec,
                "fulfillment",
                vec![row(json!({
                    "location_id": location.unwrap_or_default(), "provider_id": "manual_manual",
                    "shipping_option_id": methods.first().and_then(|m| m.get("shipping_option_id")).cloned().unwrap_or(Value::Null),
                    "packed_at": now(), "data": {}, "metadata": input.get("metadata").cloned().unwrap_or(Value::Null),
                }))],
            )
            .await?;
        let fulfillment_id = created.first().map(|f| text(&f["id"])).unwrap_or_default();
        let items = item_rows
            .into_iter()
            .map(|mut i| {
                i["fulfillment_id"] = json!(fulfillment_id);
                row(i)
            })
            .collect();
        fulfillment
            .create(&mut exec, "fulfillment_item", items)
            .await?;
        links::create(
            &mut exec,
            &env.registry,
            &[LinkRef::new(
                "order",
                &order_id,
                "fulfillment",
                &fulfillment_id,
            )],
        )
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
        ctx.emit(
            "order.fulfillment_created",
            json!({ "order_id": order_id, "fulfillment_id": fulfillment_id, "no_notification": input["no_notification"] == true }),
        );
        Ok(StepOutput::new(json!({ "id": fulfillment_id })))
    })
}

/// Marks fulfillment `input.fulfillment_id` of `input.order_id` with
/// `stamp` (`shipped_at` / `delivered_at`) and adds its items to the order
/// items' `counter` (`shipped_quantity` / `delivered_quantity`).
async fn advance(ctx: &mut StepContext, stamp: &str, counter: &str) -> Result<String, StepError> {
    let env = ctx.env();
    let input = ctx.input().clone();
    let (order_id, id) = (text(&input["order_id"]), text(&input["fulfillment_id"]));
    let orders = svc(&env, "order")?;
    let fulfillment = svc(&env, "fulfillment")?;
    let mut exec = ctx.exec();
    open_order(&mut exec, &orders, &order_id).await?;
    if !fulfillments_of(&mut exec, &env, &order_id)
        .await?
        .contains(&id)
    {
        return Err(StepError::permanent(
            "not_found",
            format!("Fulfillment with id: {id} was not found"),
        ));
    }
    let current = fulfillment
        .retrieve(&mut exec, "fulfillment", &id, None)
        .await?;
    if current.get("canceled_at").is_some_and(|c| !c.is_null()) {
        return Err(not_allowed(format!(
            "Fulfillment with id: {id} has been canceled"
        )));
    }
    if current.get(stamp).is_some_and(|s| !s.is_null()) {
        return Err(not_allowed(format!(
            "Fulfillment with id: {id} already has {stamp} set"
        )));
    }
    if stamp == "delivered_at" && current.get("shipped_at").is_none_or(Value::is_null) {
        return Err(not_allowed(format!(
            "Fulfillment with id: {id} has not been shipped"
        )));
    }
    let mut changes = row(json!({ stamp: now() }));
    if let Some(labels) = input.get("labels").filter(|l| l.is_array()) {
        changes.insert("data".into(), json!({ "labels": labels }));
    }
    fulfillment
        .update_by_id(&mut exec, "fulfillment", &id, &changes)
        .await?;
    for item in list(
        &mut exec,
        &fulfillment,
        "fulfillment_item",
        json!({ "fulfillment_id": id }),
    )
    .await?
    {
        let line_id = text(&item["line_item_id"]);
        let line = orders
            .retrieve(&mut exec, "order_line_item", &line_id, None)
            .await?;
        let total = line[counter].as_i64().unwrap_or(0) + item["quantity"].as_i64().unwrap_or(0);
        orders
            .update_by_id(
                &mut exec,
                "order_line_item",
                &line_id,
                &row(json!({ counter: total })),
            )
            .await?;
    }
    Ok(id)
}

fn ship<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let id = advance(ctx, "shipped_at", "shipped_quantity").await?;
        let silent = ctx.input()["no_notification"] == true;
        ctx.emit(
            "shipment.created",
            json!({ "id": id, "no_notification": silent }),
        );
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn deliver<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let id = advance(ctx, "delivered_at", "delivered_quantity").await?;
        ctx.emit("delivery.created", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn cancel<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let id = text(&ctx.input()["order_id"]);
        let orders = svc(&env, "order")?;
        let inventory = svc(&env, "inventory")?;
        let payment = svc(&env, "payment")?;
        let fulfillment = svc(&env, "fulfillment")?;
        let mut exec = ctx.exec();
        open_order(&mut exec, &orders, &id).await?;
        for f in fulfillments_of(&mut exec, &env, &id).await? {
            let current = fulfillment
                .retrieve(&mut exec, "fulfillment", &f, None)
                .await?;
            if current.get("canceled_at").is_none_or(Value::is_null) {
                return Err(not_allowed(
                    "All fulfillments must be canceled before canceling an order",
                ));
            }
        }
        let linked = links::list(&mut exec, &env.registry, "order", &id)
            .await
            .map_err(|e| StepError::new(e.to_string()))?;
        let collections: Vec<String> = linked
            .get("payment_collection")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(text)
            .collect();
        for collection in &collections {
            let current = payment
                .retrieve(&mut exec, "payment_collection", collection, None)
                .await?;
            if current["captured_amount"].as_f64().unwrap_or(0.0) > 0.0 {
                return Err(not_allowed(format!(
                    "Order with id: {id} has captured payments; refund them before canceling"
                )));
            }
            payment
                .update(
                    &mut exec,
                    "payment",
                    &json!({ "payment_collection_id": collection }),
                    &row(json!({ "canceled_at": now() })),
                )
                .await?;
            payment
                .update_by_id(
                    &mut exec,
                    "payment_collection",
                    collection,
                    &row(json!({ "status": "canceled" })),
                )
                .await?;
        }
        let lines = list(
            &mut exec,
            &orders,
            "order_line_item",
            json!({ "order_id": id }),
        )
        .await?;
        for line in &lines {
            for reservation in list(
                &mut exec,
                &inventory,
                "reservation_item",
                json!({ "line_item_id": line["id"] }),
            )
            .await?
            {
                reserve::release(
                    &mut exec,
                    &text(&reservation["inventory_item_id"]),
                    &text(&reservation["location_id"]),
                    reservation["quantity"].as_i64().unwrap_or(0),
                )
                .await?;
                inventory
                    .delete(&mut exec, "reservation_item", &[text(&reservation["id"])])
                    .await?;
            }
        }
        orders
            .update_by_id(
                &mut exec,
                "order",
                &id,
                &row(json!({ "status": "canceled", "canceled_at": now() })),
            )
            .await?;
        ctx.emit("order.canceled", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}

fn capture<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = text(&input["payment_id"]);
        let payment = svc(&env, "payment")?;
        let mut exec = ctx.exec();
        let current = payment.retrieve(&mut exec, "payment", &id, None).await?;
        if current.get("canceled_at").is_some_and(|c| !c.is_null()) {
            return Err(not_allowed(format!("The payment: {id} has been canceled.")));
        }
        let amount = current["amount"].as_f64().unwrap_or(0.0);
        let captured: f64 = list(&mut exec, &payment, "capture", json!({ "payment_id": id }))
            .await?
            .iter()
            .filter_map(|c| c["amount"].as_f64())
            .sum();
        let left = amount - captured;
        let now_capturing = input["amount"].as_f64().unwrap_or(left);
        if left <= 0.0 {
            return Err(not_allowed(format!(
                "The payment: {id} has been completely captured."
            )));
        }
        if now_capturing <= 0.0 || now_capturing > left + 1e-9 {
            return Err(StepError::permanent(
                "invalid_data",
                format!(
                    "You cannot capture more than the authorized amount substracted by what is already captured: {left}"
                ),
            ));
        }
        payment
            .create(&mut exec, "capture", vec![row(json!({ "payment_id": id, "amount": now_capturing, "created_by": input["captured_by"] }))])
            .await?;
        if now_capturing + 1e-9 >= left {
            payment
                .update_by_id(
                    &mut exec,
                    "payment",
                    &id,
                    &row(json!({ "captured_at": now() })),
                )
                .await?;
        }
        let collection_id = text(&current["payment_collection_id"]);
        let collection = payment
            .retrieve(&mut exec, "payment_collection", &collection_id, None)
            .await?;
        let total = collection["captured_amount"].as_f64().unwrap_or(0.0) + now_capturing;
        // A partly captured collection stays `authorized` (Medusa has no
        // partial-capture status); `captured_amount` tells how much.
        let status = if total + 1e-9 >= collection["amount"].as_f64().unwrap_or(0.0) {
            "completed"
        } else {
            "authorized"
        };
        payment
            .update_by_id(
                &mut exec,
                "payment_collection",
                &collection_id,
                &row(json!({ "captured_amount": total, "status": status })),
            )
            .await?;
        ctx.emit("payment.captured", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id })))
    })
}
