//! The steps of the cart workflows (create, update, line items, shipping,
//! payment), each with its compensation, and the shared refresh step.

use serde_json::{Map, Value, json};

use crate::framework::data::FindOptions;
use crate::framework::links::{self, LinkRef};
use crate::framework::workflows::{
    CompensateContext, StepContext, StepError, StepFuture, StepOutput,
};

use super::pricing::customer_groups;
use super::read::load_cart;
use super::shipping::options_for_cart;
use super::support::{
    add_items, check_country, check_open, create_address, create_address_row, default_region,
    guest_customer, load_region, new_items, obj, region_countries, reprice, required,
    set_promotions, svc, text,
};

fn codes(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| a.iter().filter_map(text).collect())
}

fn link_err(e: crate::framework::links::LinkError) -> StepError {
    StepError::new(e.to_string())
}

/// `create-cart`
pub fn create_cart<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let items = new_items(&input["items"])?;
        let mut exec = ctx.exec();
        let region_id = match text(&input["region_id"]) {
            Some(r) => r,
            None => default_region(&mut exec, &env)
                .await?
                .ok_or_else(|| StepError::permanent("not_found", "No regions found"))?,
        };
        let region = load_region(&mut exec, &env, &region_id).await?;
        let mut created_customer = None;
        let (customer_id, email) = match (text(&input["customer_id"]), text(&input["email"])) {
            (Some(id), email) => (Some(id), email.or_else(|| text(&input["customer_email"]))),
            (None, Some(email)) => {
                let guest = guest_customer(&mut exec, &env, &email).await?;
                if guest.created {
                    created_customer = Some(guest.id.clone());
                }
                (Some(guest.id), Some(email.to_lowercase()))
            }
            (None, None) => (None, None),
        };
        let countries = region_countries(&region);
        let shipping_given = match &input["shipping_address"] {
            Value::Null if countries.len() == 1 => json!({ "country_code": countries[0] }),
            other => other.clone(),
        };
        check_country(&region, shipping_given["country_code"].as_str())?;
        let shipping = create_address(&mut exec, &env, &shipping_given).await?;
        let billing = create_address(&mut exec, &env, &input["billing_address"]).await?;
        let row = obj(json!({
            "region_id": region_id,
            "currency_code": text(&input["currency_code"]).map(|c| c.to_lowercase()).or_else(|| text(&region["currency_code"])),
            "customer_id": customer_id, "email": email, "sales_channel_id": input["sales_channel_id"],
            "shipping_address_id": shipping, "billing_address_id": billing, "metadata": input["metadata"],
        }));
        let cart = svc(&env, "cart")?
            .create(&mut exec, "cart", vec![row])
            .await?
            .remove(0);
        let cart = Value::Object(cart);
        // A new cart has no lines to merge with.
        add_items(&mut exec, &env, &cart, &[], &items).await?;
        if let Some(codes) = codes(&input["promo_codes"]) {
            set_promotions(
                &mut exec,
                &env,
                cart["id"].as_str().unwrap_or_default(),
                &codes,
            )
            .await?;
        }
        ctx.emit("cart.created", json!({ "id": cart["id"] }));
        Ok(StepOutput::new(json!({ "id": cart["id"], "cart_id": cart["id"] }))
            .compensate_with(json!({ "cart_id": cart["id"], "customer_id": created_customer, "addresses": [shipping, billing] })))
    })
}

pub fn undo_create_cart<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let mut exec = ctx.exec();
        let cart_id = text(&data["cart_id"]).unwrap_or_default();
        links::on_deleted(
            &mut exec,
            &env.registry,
            "cart",
            std::slice::from_ref(&cart_id),
        )
        .await
        .map_err(link_err)?;
        svc(&env, "cart")?
            .delete(&mut exec, "cart", std::slice::from_ref(&cart_id))
            .await?;
        let addresses: Vec<String> = data["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(text)
            .collect();
        svc(&env, "cart")?
            .delete(&mut exec, "cart_address", &addresses)
            .await?;
        if let Some(customer) = text(&data["customer_id"]) {
            svc(&env, "customer")?
                .delete(&mut exec, "customer", &[customer])
                .await?;
        }
        Ok(())
    })
}

const CART_COLUMNS: [&str; 8] = [
    "region_id",
    "currency_code",
    "customer_id",
    "email",
    "sales_channel_id",
    "shipping_address_id",
    "billing_address_id",
    "metadata",
];

/// `update-cart`
pub fn update_cart<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let id = text(&input["id"]).unwrap_or_default();
        let mut exec = ctx.exec();
        let cart_svc = svc(&env, "cart")?;
        // The whole cart: what the refresh needs, once this step's changes
        // are patched in (those that re-price or re-link it read it again).
        let mut before = load_cart(&mut exec, &env.query, &id).await?;
        check_open(&before)?;
        let mut addresses = Map::new();
        let mut changes = serde_json::Map::new();
        let mut events = vec!["cart.updated"];
        // The customer the email named, with its groups, as looked up.
        let mut new_guest: Option<super::support::GuestCustomer> = None;
        let region_changed =
            text(&input["region_id"]).filter(|r| Some(r.as_str()) != before["region_id"].as_str());
        let region_id = region_changed
            .clone()
            .or_else(|| text(&before["region_id"]))
            .unwrap_or_default();
        let region = load_region(&mut exec, &env, &region_id).await?;
        if let Some(new_region) = &region_changed {
            changes.insert("region_id".into(), json!(new_region));
            changes.insert("currency_code".into(), region["currency_code"].clone());
            let countries = region_countries(&region);
            let address = if countries.len() == 1 {
                json!({ "country_code": countries[0] })
            } else {
                Value::Null
            };
            changes.insert(
                "shipping_address_id".into(),
                json!(create_address(&mut exec, &env, &address).await?),
            );
            let methods = cart_svc
                .list(
                    &mut exec,
                    "cart_shipping_method",
                    &json!({ "cart_id": id }),
                    &FindOptions::default(),
                )
                .await?;
            let ids: Vec<String> = methods.iter().filter_map(|m| text(&m["id"])).collect();
            cart_svc
                .delete(&mut exec, "cart_shipping_method", &ids)
                .await?;
            events.push("cart.region_updated");
        }
        if let Some(email) = text(&input["email"]) {
            if text(&input["customer_id"]).is_none() {
                let guest = guest_customer(&mut exec, &env, &email).await?;
                changes.insert("customer_id".into(), json!(guest.id));
                new_guest = Some(guest);
            }
            changes.insert("email".into(), json!(email.to_lowercase()));
            events.push("cart.customer_updated");
        }
        if let Some(customer) = text(&input["customer_id"]) {
            changes.insert("customer_id".into(), json!(customer));
            if let Some(email) = text(&input["customer_email"]) {
                changes.insert("email".into(), json!(email));
            }
            events.push("cart.customer_updated");
        }
        for (field, key) in [
            ("shipping_address", "shipping_address_id"),
            ("billing_address", "billing_address_id"),
        ] {
            if input[field].is_null() {
                continue;
            }
            if field == "shipping_address" {
                check_country(&region, input[field]["country_code"].as_str())?;
            }
            let row = create_address_row(&mut exec, &env, &input[field]).await?;
            changes.insert(key.into(), json!(row.as_ref().and_then(|a| text(&a["id"]))));
            addresses.insert(field.into(), row.map_or(Value::Null, Value::Object));
        }
        for key in ["metadata", "sales_channel_id"] {
            if let Some(v) = input.get(key).filter(|v| !v.is_null()) {
                changes.insert(key.into(), v.clone());
            }
        }
        let updated = Value::Object(
            cart_svc
                .update_by_id(&mut exec, "cart", &id, &changes)
                .await?,
        );
        // A new region, or a new customer (whose groups may have their own
        // price lists), prices every line again.
        // (A guest customer created just now is in no group.)
        let customer_changed = before["customer_id"] != updated["customer_id"];
        let repriced = region_changed.is_some()
            || (customer_changed && {
                let groups = |c: &Value| c["customer_id"].as_str().map(str::to_owned);
                let (old, new) = (groups(&before), groups(&updated));
                !customer_groups(&mut exec, &env.query, old.as_deref())
                    .await?
                    .is_empty()
                    || match (&new, &new_guest) {
                        (Some(id), Some(guest)) if *id == guest.id => !guest.group_ids.is_empty(),
                        _ => !customer_groups(&mut exec, &env.query, new.as_deref())
                            .await?
                            .is_empty(),
                    }
            });
        if repriced {
            reprice(&mut exec, &env, &updated).await?;
        }
        let previous_codes = links::list(&mut exec, &env.registry, "cart", &id)
            .await
            .map_err(link_err)?;
        if let Some(codes) = codes(&input["promo_codes"]) {
            set_promotions(&mut exec, &env, &id, &codes).await?;
        }
        for event in events {
            ctx.emit(event, json!({ "id": id }));
        }
        let snapshot: serde_json::Map<String, Value> = CART_COLUMNS
            .iter()
            .map(|c| ((*c).to_owned(), before[*c].clone()))
            .collect();
        let undo = json!({ "id": id, "before": snapshot, "promotions": previous_codes["promotion"], "repriced": repriced });
        // The cart as a read would show it now, when this step changed only
        // its own row and addresses.
        let patchable = region_changed.is_none() && !repriced && input["promo_codes"].is_null();
        if let (true, Value::Object(cart), Value::Object(row)) = (patchable, &mut before, updated) {
            let customer = json!({ "id": row["customer_id"], "email": row["email"] });
            cart.extend(row);
            cart.extend(addresses);
            cart.insert("customer".into(), customer);
            return Ok(StepOutput::new(json!({ "id": id, "cart": before })).compensate_with(undo));
        }
        Ok(StepOutput::new(json!({ "id": id })).compensate_with(undo))
    })
}

pub fn undo_update_cart<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let id = text(&data["id"]).unwrap_or_default();
        let mut exec = ctx.exec();
        let restored = svc(&env, "cart")?
            .update_by_id(&mut exec, "cart", &id, &obj(data["before"].clone()))
            .await?;
        if data["repriced"] == true {
            reprice(&mut exec, &env, &Value::Object(restored)).await?;
        }
        let current = links::list(&mut exec, &env.registry, "cart", &id)
            .await
            .map_err(link_err)?;
        let refs = |v: &Value| -> Vec<LinkRef> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|p| LinkRef::new("cart", &id, "promotion", p))
                .collect()
        };
        links::dismiss(&mut exec, &env.registry, &refs(&current["promotion"]))
            .await
            .map_err(link_err)?;
        links::create(&mut exec, &env.registry, &refs(&data["promotions"]))
            .await
            .map_err(link_err)?;
        Ok(())
    })
}

/// `add-line-item`
pub fn add_line_item<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let items = new_items(&json!([input]))?;
        let id = text(&input["cart_id"]).unwrap_or_default();
        let mut exec = ctx.exec();
        let mut cart = load_cart(&mut exec, &env.query, &id).await?;
        check_open(&cart)?;
        let existing = cart["items"].as_array().map_or(&[][..], Vec::as_slice);
        let touched = add_items(&mut exec, &env, &cart, existing, &items).await?;
        let undo: Vec<Value> = touched
            .iter()
            .map(|line| json!({ "id": line.id, "before": line.before }))
            .collect();
        with_lines(&mut exec, &env, &mut cart, touched).await?;
        ctx.emit("cart.updated", json!({ "id": id }));
        Ok(StepOutput::new(json!({ "id": id, "cart": cart }))
            .compensate_with(json!({ "lines": undo })))
    })
}

/// The cart as a read would show it after `touched` were written: merged
/// lines with their new quantity, new lines (with their variant and product,
/// no tax lines or adjustments yet) in id order.
async fn with_lines(
    exec: &mut crate::db::Exec<'_>,
    env: &crate::framework::workflows::WorkflowEnv,
    cart: &mut Value,
    touched: Vec<super::support::TouchedLine>,
) -> Result<(), StepError> {
    let Some(lines) = cart["items"].as_array_mut() else {
        return Err(StepError::new("the cart read has no items"));
    };
    for line in touched {
        match lines.iter_mut().find(|l| l["id"] == line.row["id"]) {
            Some(Value::Object(kept)) => kept.extend(line.row),
            _ => {
                let mut row = line.row;
                row.insert("tax_lines".into(), json!([]));
                row.insert("adjustments".into(), json!([]));
                lines.push(Value::Object(row));
            }
        }
    }
    lines.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    super::read::attach_variants(exec, &env.query, cart.get_mut("items")).await?;
    Ok(())
}

pub fn undo_add_line_item<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let lines = ctx.data()["lines"].as_array().cloned().unwrap_or_default();
        let cart_svc = svc(&env, "cart")?;
        let mut exec = ctx.exec();
        for line in lines {
            let id = text(&line["id"]).unwrap_or_default();
            match line["before"].as_i64() {
                Some(qty) => drop(
                    cart_svc
                        .update_by_id(
                            &mut exec,
                            "cart_line_item",
                            &id,
                            &obj(json!({ "quantity": qty })),
                        )
                        .await?,
                ),
                None => drop(cart_svc.delete(&mut exec, "cart_line_item", &[id]).await?),
            }
        }
        Ok(())
    })
}

async fn line_of(
    exec: &mut crate::db::Exec<'_>,
    env: &crate::framework::workflows::WorkflowEnv,
    cart_id: &str,
    line_id: &str,
) -> Result<Value, StepError> {
    let cart_svc = svc(env, "cart")?;
    let cart = Value::Object(cart_svc.retrieve(exec, "cart", cart_id, None).await?);
    check_open(&cart)?;
    let lines = cart_svc
        .list(
            exec,
            "cart_line_item",
            &json!({ "id": line_id, "cart_id": cart_id }),
            &FindOptions::default(),
        )
        .await?;
    lines.into_iter().next().map(Value::Object).ok_or_else(|| {
        StepError::permanent(
            "not_found",
            format!("Line item with id: {line_id} was not found"),
        )
    })
}

/// `update-line-item` (quantity 0 removes the line).
pub fn update_line_item<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let (cart_id, line_id) = (
            text(&input["cart_id"]).unwrap_or_default(),
            text(&input["line_id"]).unwrap_or_default(),
        );
        let quantity = input["quantity"]
            .as_i64()
            .filter(|q| *q >= 0)
            .ok_or_else(|| {
                StepError::permanent(
                    "invalid_data",
                    "Invalid request: Field 'quantity' must be a whole number of 0 or more",
                )
            })?;
        let mut exec = ctx.exec();
        let line = line_of(&mut exec, &env, &cart_id, &line_id).await?;
        let cart_svc = svc(&env, "cart")?;
        if quantity == 0 {
            cart_svc
                .delete(&mut exec, "cart_line_item", std::slice::from_ref(&line_id))
                .await?;
        } else {
            if let Some(variant) = text(&line["variant_id"]) {
                let variants =
                    super::pricing::load_variants(&mut exec, &env.query, &[variant]).await?;
                if let Some(v) = variants.first() {
                    super::pricing::check_stock(v, quantity)?;
                }
            }
            let mut changes = obj(json!({ "quantity": quantity }));
            if let Some(metadata) = input.get("metadata").filter(|m| !m.is_null()) {
                changes.insert("metadata".into(), metadata.clone());
            }
            cart_svc
                .update_by_id(&mut exec, "cart_line_item", &line_id, &changes)
                .await?;
        }
        ctx.emit("cart.updated", json!({ "id": cart_id }));
        Ok(StepOutput::new(json!({ "id": cart_id })).compensate_with(json!({ "line": line })))
    })
}

/// `delete-line-item`
pub fn delete_line_item<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let (cart_id, line_id) = (
            text(&input["cart_id"]).unwrap_or_default(),
            text(&input["line_id"]).unwrap_or_default(),
        );
        let mut exec = ctx.exec();
        let line = line_of(&mut exec, &env, &cart_id, &line_id).await?;
        svc(&env, "cart")?
            .delete(&mut exec, "cart_line_item", std::slice::from_ref(&line_id))
            .await?;
        ctx.emit("cart.updated", json!({ "id": cart_id }));
        Ok(StepOutput::new(json!({ "id": cart_id })).compensate_with(json!({ "line": line })))
    })
}

/// Puts a line back as it was (its tax lines and adjustments come back with the refresh).
pub fn restore_line<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let mut line = obj(ctx.data()["line"].clone());
        for key in [
            "created_at",
            "updated_at",
            "deleted_at",
            "raw_unit_price",
            "raw_compare_at_unit_price",
        ] {
            line.remove(key);
        }
        let cart_svc = svc(&env, "cart")?;
        let mut exec = ctx.exec();
        cart_svc
            .upsert(&mut exec, "cart_line_item", vec![line])
            .await?;
        Ok(())
    })
}

/// `add-shipping-method`: replaces the cart's shipping methods.
pub fn add_shipping_method<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let cart_id = text(&input["cart_id"]).unwrap_or_default();
        let option_id = required(&input, "option_id")?;
        let mut exec = ctx.exec();
        let mut cart = load_cart(&mut exec, &env.query, &cart_id).await?;
        check_open(&cart)?;
        let options = options_for_cart(&mut exec, &env.query, &cart, false).await?;
        let option = options
            .iter()
            .find(|o| o["id"].as_str() == Some(option_id.as_str()))
            .ok_or_else(|| {
                StepError::permanent("invalid_data", "Shipping Options are invalid for cart.")
            })?;
        let cart_svc = svc(&env, "cart")?;
        let previous: Vec<Value> = cart["shipping_methods"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ids: Vec<String> = previous.iter().filter_map(|m| text(&m["id"])).collect();
        cart_svc
            .delete(&mut exec, "cart_shipping_method", &ids)
            .await?;
        let row = obj(json!({
            "cart_id": cart_id, "name": option["name"], "amount": option["amount"], "shipping_option_id": option_id,
            "is_tax_inclusive": option["is_tax_inclusive"] == true,
            "data": input.get("data").cloned().unwrap_or(json!({})), "description": option["type"]["description"],
        }));
        let created = cart_svc
            .create(&mut exec, "cart_shipping_method", vec![row])
            .await?;
        ctx.emit("cart.updated", json!({ "id": cart_id }));
        let kept: Vec<Value> = previous
            .iter()
            .map(|m| json!({ "id": m["id"], "cart_id": cart_id, "name": m["name"], "amount": m["amount"], "is_tax_inclusive": m["is_tax_inclusive"], "shipping_option_id": m["shipping_option_id"], "data": m["data"] }))
            .collect();
        let undo = json!({ "created": created.first().map(|c| c["id"].clone()), "previous": kept });
        // The cart as a read would show it now: the new method, with no tax
        // lines or adjustments yet (the refresh adds them).
        cart["shipping_methods"] = created
            .into_iter()
            .map(|mut method| {
                method.insert("tax_lines".into(), json!([]));
                method.insert("adjustments".into(), json!([]));
                Value::Object(method)
            })
            .collect();
        Ok(StepOutput::new(json!({ "id": cart_id, "cart": cart })).compensate_with(undo))
    })
}

pub fn undo_add_shipping_method<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let data = ctx.data().clone();
        let cart_svc = svc(&env, "cart")?;
        let mut exec = ctx.exec();
        if let Some(created) = text(&data["created"]) {
            cart_svc
                .delete(&mut exec, "cart_shipping_method", &[created])
                .await?;
        }
        let previous: Vec<_> = data["previous"]
            .as_array()
            .into_iter()
            .flatten()
            .cloned()
            .map(obj)
            .collect();
        cart_svc
            .create(&mut exec, "cart_shipping_method", previous)
            .await?;
        Ok(())
    })
}

/// `create-payment-collection`: one per cart (returns the existing one).
pub fn create_payment_collection<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let cart_id = text(&ctx.input()["cart_id"]).unwrap_or_default();
        let mut exec = ctx.exec();
        let cart = load_cart(&mut exec, &env.query, &cart_id).await?;
        check_open(&cart)?;
        if let Some(existing) = text(&cart["payment_collection"]["id"]) {
            return Ok(StepOutput::new(json!({ "id": existing })));
        }
        let row = obj(
            json!({ "currency_code": cart["currency_code"], "amount": cart["total"], "region_id": cart["region_id"] }),
        );
        let mut created = svc(&env, "payment")?
            .create(&mut exec, "payment_collection", vec![row])
            .await?
            .remove(0);
        let id = text(&created["id"]).unwrap_or_default();
        // A collection created just now: its link's writes go as one batch.
        let writes = links::create_new_writes(
            &env.registry,
            &[LinkRef::new("cart", &cart_id, "payment_collection", &id)],
        )
        .map_err(link_err)?;
        exec.write_all(writes)
            .await
            .map_err(crate::framework::data::ServiceError::from)?;
        // The collection as a read would show it: nothing paid yet.
        created.insert("payment_sessions".into(), json!([]));
        created.insert("payments".into(), json!([]));
        Ok(StepOutput::new(json!({ "id": id, "collection": created }))
            .compensate_with(json!({ "id": id })))
    })
}

pub fn undo_create_payment_collection<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let id = text(&ctx.data()["id"]).unwrap_or_default();
        let mut exec = ctx.exec();
        links::on_deleted(
            &mut exec,
            &env.registry,
            "payment_collection",
            std::slice::from_ref(&id),
        )
        .await
        .map_err(link_err)?;
        svc(&env, "payment")?
            .delete(&mut exec, "payment_collection", &[id])
            .await?;
        Ok(())
    })
}

/// `create-payment-session`: replaces the collection's other sessions.
pub fn create_payment_session<'a>(ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
    Box::pin(async move {
        let env = ctx.env();
        let input = ctx.input().clone();
        let collection_id = text(&input["collection_id"]).unwrap_or_default();
        let provider = required(&input, "provider_id")?;
        let payment = svc(&env, "payment")?;
        let mut exec = ctx.exec();
        let mut collection = payment
            .retrieve(
                &mut exec,
                "payment_collection",
                &collection_id,
                Some(&crate::framework::query::fields::FieldTree::from_paths([
                    "*",
                    "payment_sessions.*",
                    "payments.*",
                ])),
            )
            .await?;
        if !provider_enabled(&mut exec, &payment, &provider).await? {
            return Err(StepError::permanent(
                "not_found",
                format!("Payment provider with id: {provider} was not found"),
            ));
        }
        let old: Vec<String> = collection["payment_sessions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| text(&s["id"]))
            .collect();
        payment.delete(&mut exec, "payment_session", &old).await?;
        let row = obj(json!({
            "payment_collection_id": collection_id, "provider_id": provider, "currency_code": collection["currency_code"],
            "amount": collection["amount"], "data": input.get("data").filter(|d| !d.is_null()).cloned().unwrap_or(json!({})),
            "context": input.get("context").cloned().unwrap_or(json!({})), "status": "pending",
        }));
        let created = payment
            .create(&mut exec, "payment_session", vec![row])
            .await?
            .remove(0);
        let undo = json!({ "id": created["id"] });
        // The collection as a read would show it now: the one new session.
        collection.insert("payment_sessions".into(), json!([created]));
        Ok(
            StepOutput::new(json!({ "id": collection_id, "collection": collection }))
                .compensate_with(undo),
        )
    })
}

/// Whether payment provider `id` exists and is enabled, from the catalogue
/// read cache while the catalogue is unchanged.
async fn provider_enabled(
    exec: &mut crate::db::Exec<'_>,
    payment: &crate::framework::data::ModuleService,
    id: &str,
) -> Result<bool, StepError> {
    use crate::db::catalogue_reads::CatalogueReads;
    let reads = CatalogueReads::shared();
    let key = format!("payment_provider_enabled:{id}");
    if let Some(hit) = reads.get(exec, &key) {
        return Ok(hit.as_bool() == Some(true));
    }
    let ticket = reads.ticket();
    let enabled = !payment
        .list(
            exec,
            "payment_provider",
            &json!({ "id": id, "is_enabled": true }),
            &FindOptions::default(),
        )
        .await?
        .is_empty();
    reads.put(exec, ticket, key, Value::Bool(enabled));
    Ok(enabled)
}

pub fn undo_create_payment_session<'a>(ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
    Box::pin(async move {
        let env = ctx.env();
        let id = text(&ctx.data()["id"]).unwrap_or_default();
        let mut exec = ctx.exec();
        svc(&env, "payment")?
            .delete(&mut exec, "payment_session", &[id])
            .await?;
        Ok(())
    })
}
