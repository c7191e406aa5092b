//! `complete-cart` (§2.8): claim the cart, authorize the payment, create the
//! order, reserve stock (atomically: concurrent checkouts never oversell),
//! consume promotion budgets, link the order, and emit `order.placed`. Any
//! failure compensates what was done; completing a completed cart returns
//! its order.

use serde_json::{Value, json};

use crate::db::{Dialect, Exec, Write};
use crate::framework::data::{ModuleService, Row, ServiceError};
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    CompensateContext, StepContext, StepDef, StepError, StepFuture, StepOutput, WorkflowDef,
    WorkflowEnv,
};
use crate::modules::common::ADDRESS_FIELDS;
use crate::modules::order::display_id;
use crate::modules::{cart::claim, inventory::reserve, promotion::budget};

use super::read::load_cart;
use super::support::{obj, svc, text};

pub const COMPLETE_CART: &str = "complete-cart";

pub fn workflow() -> WorkflowDef {
    WorkflowDef::new(COMPLETE_CART)
        // Plugins may refuse a cart here (their error fails the completion).
        .hook("validate")
        // Everything shares one transaction (a chain): a refused payment or a
        // failed order rolls the claim and the reservation back. The
        // authorization comes last, so a provider's own side effect happens
        // only when nothing after it can fail. Concurrent orders may race for
        // a display id: the chain then runs again and takes the next one.
        .step(
            StepDef::chain(
                "complete",
                vec![
                    StepDef::func("claim-cart", claim_cart, Some(release_cart)),
                    StepDef::func(
                        "reserve-inventory",
                        reserve_inventory,
                        Some(release_inventory),
                    ),
                    StepDef::func("create-order", create_order, Some(delete_order)),
                    StepDef::func(
                        "register-promotion-usage",
                        use_promotions,
                        Some(restore_promotions),
                    ),
                    StepDef::func("link-order", link_order, Some(unlink_order)),
                    StepDef::func(
                        "authorize-payment",
                        authorize_payment,
                        Some(cancel_authorization),
                    ),
                ],
            )
            .retries(10, std::time::Duration::from_millis(3)),
        )
        .returns("link-order")
}

async fn existing_order(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    cart_id: &str,
) -> Result<Option<String>, StepError> {
    let linked = links::list(exec, &env.registry, "cart", cart_id)
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    Ok(linked["order"]
        .as_array()
        .and_then(|o| o.first())
        .and_then(text))
}

/// The step is a no-op when the cart had been completed already.
fn done_before(ctx: &StepContext) -> Option<Value> {
    ctx.result("claim-cart")
        .filter(|r| !r["order_id"].is_null())
        .cloned()
}

fn claim_cart<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let cart_id = text(&ctx.input()["cart_id"]).unwrap_or_default();
        let mut exec = ctx.exec();
        let cart = load_cart(&mut exec, &env.query, &cart_id).await?;
        if !cart["completed_at"].is_null() {
            return match existing_order(&mut exec, &env, &cart_id).await? {
                Some(order) => Ok(StepOutput::new(json!({ "order_id": order }))),
                None => Err(StepError::permanent(
                    "conflict",
                    "The cart is being completed by another request",
                )),
            };
        }
        let collection = &cart["payment_collection"];
        if collection.is_null() {
            return Err(StepError::permanent(
                "invalid_data",
                "Payment collection has not been initiated for cart",
            ));
        }
        if collection["payment_sessions"]
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            return Err(StepError::permanent(
                "invalid_data",
                "Payment sessions are required to complete cart",
            ));
        }
        if !claim::claim(&mut exec, &cart_id).await? {
            return Err(StepError::permanent(
                "conflict",
                "The cart is being completed by another request",
            ));
        }
        Ok(StepOutput::new(json!({ "order_id": null, "cart": cart }))
            .compensate_with(json!({ "cart_id": cart_id })))
    })
}

fn release_cart<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let cart_id = text(&ctx.data()["cart_id"]).unwrap_or_default();
        claim::release(&mut ctx.exec(), &cart_id).await?;
        Ok(())
    })
}

fn cart_of(ctx: &StepContext) -> Value {
    ctx.result("claim-cart")
        .map(|r| r["cart"].clone())
        .unwrap_or(Value::Null)
}

fn authorize_payment<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        if done_before(ctx).is_some() {
            return Ok(StepOutput::new(Value::Null));
        }
        let env = ctx.env();
        let cart = cart_of(ctx);
        let collection = &cart["payment_collection"];
        let session = collection["payment_sessions"]
            .as_array()
            .and_then(|s| s.first())
            .cloned()
            .unwrap_or(Value::Null);
        let payment = svc(&env, "payment")?;
        let dialect = ctx.exec().dialect();
        let now = crate::db::table::now_value();
        let session_id = text(&session["id"]).unwrap_or_default();
        let collection_id = text(&collection["id"]).unwrap_or_default();
        // The session and the collection were read in this transaction.
        let session_update = payment.update_statement(
            dialect,
            "payment_session",
            &session_id,
            &obj(json!({ "status": "authorized", "authorized_at": now })),
        )?;
        let (payment_insert, payment_ids) = payment.insert_statement(
            dialect,
            "payment",
            &[obj(json!({
                "payment_collection_id": collection_id, "payment_session_id": session_id, "provider_id": session["provider_id"],
                "amount": cart["total"], "currency_code": cart["currency_code"], "data": session["data"],
            }))],
            &[],
        )?;
        let collection_update = payment.update_statement(
            dialect,
            "payment_collection",
            &collection_id,
            &obj(json!({ "status": "authorized", "authorized_amount": cart["total"], "amount": cart["total"] })),
        )?;
        // The last writes of the chain: they go with its journal entry.
        ctx.write_with_journal(vec![
            session_update.into(),
            payment_insert.into(),
            collection_update.into(),
        ]);
        let payment_id = payment_ids.first().map_or(Value::Null, |id| json!(id));
        Ok(StepOutput::new(json!({ "payment_id": payment_id }))
            .compensate_with(json!({ "payment_id": payment_id, "session_id": session_id, "collection_id": collection_id })))
    })
}

fn cancel_authorization<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let payment = svc(&env, "payment")?;
        let mut exec = ctx.exec();
        if let Some(id) = text(&data["payment_id"]) {
            payment.delete(&mut exec, "payment", &[id]).await?;
        }
        let session = text(&data["session_id"]).unwrap_or_default();
        payment
            .update_by_id(
                &mut exec,
                "payment_session",
                &session,
                &obj(json!({ "status": "pending", "authorized_at": null })),
            )
            .await?;
        let collection = text(&data["collection_id"]).unwrap_or_default();
        payment
            .update_by_id(
                &mut exec,
                "payment_collection",
                &collection,
                &obj(json!({ "status": "not_paid", "authorized_amount": null })),
            )
            .await?;
        Ok(())
    })
}

const LINE_FIELDS: [&str; 22] = [
    "title",
    "subtitle",
    "thumbnail",
    "quantity",
    "variant_id",
    "product_id",
    "product_title",
    "product_description",
    "product_subtitle",
    "product_type",
    "product_collection",
    "product_handle",
    "variant_sku",
    "variant_barcode",
    "variant_title",
    "variant_option_values",
    "requires_shipping",
    "is_discountable",
    "is_tax_inclusive",
    "compare_at_unit_price",
    "unit_price",
    "metadata",
];
const TAX_FIELDS: [&str; 5] = ["code", "rate", "description", "tax_rate_id", "provider_id"];
const ADJUSTMENT_FIELDS: [&str; 5] = [
    "code",
    "amount",
    "promotion_id",
    "description",
    "provider_id",
];

fn pick(source: &Value, fields: &[&str]) -> serde_json::Map<String, Value> {
    fields
        .iter()
        .map(|f| ((*f).to_owned(), source[*f].clone()))
        .collect()
}

/// `fields` of every row in `rows`, each with `parent` set to `parent_id`.
fn child_rows<'v>(
    rows: impl Iterator<Item = &'v Value>,
    fields: &[&str],
    parent: &str,
    parent_id: &str,
) -> Vec<Row> {
    rows.map(|row| {
        let mut r = pick(row, fields);
        r.insert(parent.into(), json!(parent_id));
        r
    })
    .collect()
}

/// Adds the insert of `rows` to `writes` (none for no rows); their ids.
fn insert_into(
    writes: &mut Vec<Write>,
    service: &ModuleService,
    dialect: Dialect,
    model: &str,
    rows: &[Row],
) -> Result<Vec<String>, ServiceError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let (insert, ids) = service.insert_statement(dialect, model, rows, &[])?;
    writes.push(insert.into());
    Ok(ids)
}

/// The tax lines and adjustments of each of `parents` (cart rows), for the
/// order rows `ids` made from them.
fn add_children(
    writes: &mut Vec<Write>,
    orders: &ModuleService,
    dialect: Dialect,
    parents: &[Value],
    ids: &[String],
    (tax_model, adjustment_model, parent): (&str, &str, &str),
) -> Result<(), ServiceError> {
    let mut taxes = Vec::new();
    let mut adjustments = Vec::new();
    for (cart_row, id) in parents.iter().zip(ids) {
        let of = |key: &str| cart_row[key].as_array().into_iter().flatten();
        taxes.extend(child_rows(of("tax_lines"), &TAX_FIELDS, parent, id));
        adjustments.extend(child_rows(
            of("adjustments"),
            &ADJUSTMENT_FIELDS,
            parent,
            id,
        ));
    }
    insert_into(writes, orders, dialect, tax_model, &taxes)?;
    insert_into(writes, orders, dialect, adjustment_model, &adjustments)?;
    Ok(())
}

const SHIPPING_METHOD_FIELDS: [&str; 7] = [
    "name",
    "description",
    "amount",
    "is_tax_inclusive",
    "shipping_option_id",
    "data",
    "metadata",
];

/// Writes the order, its addresses, items, shipping methods, their tax
/// lines and adjustments, and the reservations of its items, in one batch.
fn create_order<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        if let Some(done) = done_before(ctx) {
            return Ok(StepOutput::new(done));
        }
        let env = ctx.env();
        let cart = cart_of(ctx);
        let reserved = ctx
            .result("reserve-inventory")
            .and_then(|r| r["reserved"].as_array().cloned())
            .unwrap_or_default();
        let orders = svc(&env, "order")?;
        let inventory = svc(&env, "inventory")?;
        let mut exec = ctx.exec();
        let dialect = exec.dialect();
        let mut writes = Vec::new();
        let mut address_ids = Vec::new();
        for key in ["shipping_address", "billing_address"] {
            let address = &cart[key];
            let ids = if address.is_null() {
                Vec::new()
            } else {
                let row = pick(address, &ADDRESS_FIELDS);
                insert_into(&mut writes, &orders, dialect, "order_address", &[row])?
            };
            address_ids.push(ids.first().map_or(Value::Null, |id| json!(id)));
        }
        let order_row = obj(json!({
            "region_id": cart["region_id"], "customer_id": cart["customer_id"],
            "sales_channel_id": cart["sales_channel_id"], "email": cart["email"], "currency_code": cart["currency_code"],
            "shipping_address_id": address_ids[0], "billing_address_id": address_ids[1], "metadata": cart["metadata"],
        }));
        let (insert, order_ids) = orders.insert_statement(
            dialect,
            "order",
            &[order_row],
            &[("display_id", display_id::next())],
        )?;
        writes.push(insert.into());
        let order_id = order_ids.first().cloned().unwrap_or_default();
        let list = |key: &str| cart[key].as_array().map(Vec::as_slice).unwrap_or_default();
        let items = list("items");
        let rows = child_rows(items.iter(), &LINE_FIELDS, "order_id", &order_id);
        let line_ids = insert_into(&mut writes, &orders, dialect, "order_line_item", &rows)?;
        let tables = (
            "order_line_item_tax_line",
            "order_line_item_adjustment",
            "item_id",
        );
        add_children(&mut writes, &orders, dialect, items, &line_ids, tables)?;
        // The stock reserved for a cart line is held for its order line.
        let reservations: Vec<Row> = reserved
            .iter()
            .filter_map(|r| {
                let at = items.iter().position(|i| i["id"] == r["line_item_id"])?;
                Some(obj(json!({
                    "inventory_item_id": r["item"], "location_id": r["location"],
                    "quantity": r["quantity"], "line_item_id": line_ids.get(at),
                })))
            })
            .collect();
        let reservation_ids = insert_into(
            &mut writes,
            &inventory,
            dialect,
            "reservation_item",
            &reservations,
        )?;
        let methods = list("shipping_methods");
        let rows = child_rows(
            methods.iter(),
            &SHIPPING_METHOD_FIELDS,
            "order_id",
            &order_id,
        );
        let method_ids = insert_into(
            &mut writes,
            &orders,
            dialect,
            "order_shipping_method",
            &rows,
        )?;
        let tables = (
            "order_shipping_method_tax_line",
            "order_shipping_method_adjustment",
            "shipping_method_id",
        );
        add_children(&mut writes, &orders, dialect, methods, &method_ids, tables)?;
        match exec.write_all(writes).await.map_err(ServiceError::from) {
            Ok(()) => {}
            // Another order took this display id: the chain runs again.
            Err(ServiceError::Duplicate(m)) => return Err(StepError::new(m)),
            Err(e) => return Err(e.into()),
        }
        Ok(StepOutput::new(json!({ "order_id": order_id })).compensate_with(
            json!({ "order_id": order_id, "addresses": address_ids, "reservations": reservation_ids }),
        ))
    })
}

fn delete_order<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let orders = svc(&env, "order")?;
        let inventory = svc(&env, "inventory")?;
        let mut exec = ctx.exec();
        let ids = |key: &str| -> Vec<String> {
            data[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(text)
                .collect()
        };
        inventory
            .delete(&mut exec, "reservation_item", &ids("reservations"))
            .await?;
        let order_id = text(&data["order_id"]).unwrap_or_default();
        orders.delete(&mut exec, "order", &[order_id]).await?;
        orders
            .delete(&mut exec, "order_address", &ids("addresses"))
            .await?;
        Ok(())
    })
}

fn reserve_inventory<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        if done_before(ctx).is_some() {
            return Ok(StepOutput::new(Value::Null));
        }
        let env = ctx.env();
        let lines: Vec<Value> = cart_of(ctx)["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let variant_ids: Vec<String> = lines
            .iter()
            .filter_map(|l| text(&l["variant_id"]))
            .collect();
        let mut exec = ctx.exec();
        let variants = if variant_ids.is_empty() {
            Vec::new()
        } else {
            super::pricing::load_variants(&mut exec, &env.query, &variant_ids).await?
        };
        let mut reserved = Vec::new();
        for line in &lines {
            let Some(variant) = variants.iter().find(|v| v["id"] == line["variant_id"]) else {
                continue;
            };
            if variant["manage_inventory"] == false || variant["allow_backorder"] == true {
                continue;
            }
            let quantity = line["quantity"].as_i64().unwrap_or(0);
            for link in variant["inventory_items"].as_array().into_iter().flatten() {
                let item_id = text(&link["inventory_item_id"]).unwrap_or_default();
                let quantity = quantity * super::pricing::required_quantity(link);
                let mut levels: Vec<&Value> = link["inventory"]["location_levels"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .collect();
                levels.sort_by_key(|l| {
                    std::cmp::Reverse(
                        l["stocked_quantity"].as_i64().unwrap_or(0)
                            - l["reserved_quantity"].as_i64().unwrap_or(0),
                    )
                });
                let mut done = None;
                for level in levels {
                    let location = text(&level["location_id"]).unwrap_or_default();
                    if reserve::reserve(&mut exec, &item_id, &location, quantity).await? {
                        done = Some(location);
                        break;
                    }
                }
                let Some(location) = done else {
                    return Err(StepError::permanent(
                        "not_allowed",
                        "Some variant does not have the required inventory",
                    )
                    .with_code("insufficient_inventory"));
                };
                // The reservation row itself is written with the order.
                reserved.push(json!({ "item": item_id, "location": location, "quantity": quantity, "line_item_id": line["id"] }));
            }
        }
        Ok(StepOutput::new(json!({ "reserved": reserved }))
            .compensate_with(json!({ "reserved": reserved })))
    })
}

fn release_inventory<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let reserved = ctx.data()["reserved"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut exec = ctx.exec();
        for r in reserved {
            let (item, location) = (
                text(&r["item"]).unwrap_or_default(),
                text(&r["location"]).unwrap_or_default(),
            );
            reserve::release(
                &mut exec,
                &item,
                &location,
                r["quantity"].as_i64().unwrap_or(0),
            )
            .await?;
        }
        Ok(())
    })
}

fn use_promotions<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        if done_before(ctx).is_some() {
            return Ok(StepOutput::new(Value::Null));
        }
        let cart = cart_of(ctx);
        let mut exec = ctx.exec();
        let mut used = Vec::new();
        for promo in cart["promotions"].as_array().into_iter().flatten() {
            let budget = &promo["campaign"]["budget"];
            let Some(budget_id) = text(&budget["id"]) else {
                continue;
            };
            let amount = if budget["type"] == "spend" {
                let code = promo["code"].clone();
                cart["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|i| i["adjustments"].as_array().cloned().unwrap_or_default())
                    .filter(|a| a["code"] == code)
                    .filter_map(|a| a["amount"].as_f64())
                    .sum()
            } else {
                1.0
            };
            if !budget::consume(&mut exec, &budget_id, amount).await? {
                return Err(StepError::permanent(
                    "not_allowed",
                    format!(
                        "Promotion {} has reached its usage limit",
                        promo["code"].as_str().unwrap_or_default()
                    ),
                ));
            }
            used.push(json!({ "budget": budget_id, "amount": amount }));
        }
        Ok(StepOutput::new(json!({ "used": used.len() })).compensate_with(json!({ "used": used })))
    })
}

fn restore_promotions<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let used = ctx.data()["used"].as_array().cloned().unwrap_or_default();
        let mut exec = ctx.exec();
        for u in used {
            budget::restore(
                &mut exec,
                u["budget"].as_str().unwrap_or_default(),
                u["amount"].as_f64().unwrap_or(0.0),
            )
            .await?;
        }
        Ok(())
    })
}

fn link_order<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        if let Some(done) = done_before(ctx) {
            return Ok(StepOutput::new(json!({ "order_id": done["order_id"] })));
        }
        let env = ctx.env();
        let cart = cart_of(ctx);
        let order_id = ctx
            .result("create-order")
            .and_then(|r| text(&r["order_id"]))
            .unwrap_or_default();
        let cart_id = text(&cart["id"]).unwrap_or_default();
        let mut refs = vec![LinkRef::new("order", &order_id, "cart", &cart_id)];
        if let Some(collection) = text(&cart["payment_collection"]["id"]) {
            refs.push(LinkRef::new(
                "order",
                &order_id,
                "payment_collection",
                &collection,
            ));
        }
        for promo in cart["promotions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| text(&p["id"]))
        {
            refs.push(LinkRef::new("order", &order_id, "promotion", &promo));
        }
        // The order is new: its links replace nothing it has, so they go
        // in one batch, with the chain's journal entry (nothing after this
        // step reads them).
        let writes = links::create_new_writes(&env.registry, &refs)
            .map_err(|e| StepError::new(e.to_string()))?;
        ctx.write_with_journal(writes);
        ctx.emit("order.placed", json!({ "id": order_id }));
        Ok(StepOutput::new(json!({ "order_id": order_id }))
            .compensate_with(json!({ "order_id": order_id })))
    })
}

fn unlink_order<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let order_id = text(&ctx.data()["order_id"]).unwrap_or_default();
        links::on_deleted(&mut ctx.exec(), &env.registry, "order", &[order_id])
            .await
            .map_err(|e| StepError::new(e.to_string()))?;
        Ok(())
    })
}
