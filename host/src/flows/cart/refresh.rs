//! After every cart change: promotions (the codes applied and the automatic
//! ones whose rules hold) become adjustments again, tax lines
//! are recomputed from the shipping address, and the payment collection's
//! amount follows the new total.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::workflows::{StepError, WorkflowEnv};
use crate::modules::promotion::compute_adjustments;
use crate::modules::tax::{TaxableLine, tax_lines};

use super::promotions;
use super::read::load_cart;

fn ids(list: &Value, nested: &str) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .flat_map(|line| line[nested].as_array().cloned().unwrap_or_default())
        .filter_map(|x| x["id"].as_str().map(str::to_owned))
        .collect()
}

fn rows(values: Vec<Value>) -> Vec<serde_json::Map<String, Value>> {
    values
        .into_iter()
        .filter_map(|v| v.as_object().cloned())
        .collect()
}

/// Recomputes adjustments, tax lines and the payment amount of a cart, and
/// returns the cart as a read after it would (one read, before the changes).
pub async fn refresh(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    cart_id: &str,
) -> Result<Value, StepError> {
    let cart_svc = env
        .registry
        .service("cart")
        .ok_or_else(|| StepError::new("no cart module"))?;
    let cart = load_cart(exec, &env.query, cart_id).await?;
    for (model, list, nested) in [
        ("cart_line_item_adjustment", &cart["items"], "adjustments"),
        ("cart_line_item_tax_line", &cart["items"], "tax_lines"),
        (
            "cart_shipping_method_adjustment",
            &cart["shipping_methods"],
            "adjustments",
        ),
        (
            "cart_shipping_method_tax_line",
            &cart["shipping_methods"],
            "tax_lines",
        ),
    ] {
        cart_svc.delete(exec, model, &ids(list, nested)).await?;
    }
    let mut cart = cart;
    let active = promotions::candidates(exec, env, &mut cart).await?;
    let adjustments = compute_adjustments(&cart, &active);
    let applied = adjustments.iter().map(|a| a.promotion_id.clone()).collect();
    promotions::sync_automatic(exec, env, &mut cart, &active, &applied).await?;
    let mut item_adjustments = Vec::new();
    let mut method_adjustments = Vec::new();
    for adj in adjustments {
        let amount = crate::db::codec::decimal_to_json(adj.amount);
        let row = json!({ "code": adj.code, "amount": amount, "promotion_id": adj.promotion_id, "provider_id": null });
        let mut row = row;
        if adj.target == "item" {
            row["item_id"] = Value::String(adj.line_id);
            item_adjustments.push(row);
        } else {
            row["shipping_method_id"] = Value::String(adj.line_id);
            method_adjustments.push(row);
        }
    }
    let created = cart_svc
        .create(exec, "cart_line_item_adjustment", rows(item_adjustments))
        .await?;
    attach(&mut cart["items"], "adjustments", "item_id", created);
    let created = cart_svc
        .create(
            exec,
            "cart_shipping_method_adjustment",
            rows(method_adjustments),
        )
        .await?;
    attach(
        &mut cart["shipping_methods"],
        "adjustments",
        "shipping_method_id",
        created,
    );
    // Without a shipping country there are no tax lines (the old ones are gone).
    attach(&mut cart["items"], "tax_lines", "item_id", Vec::new());
    attach(
        &mut cart["shipping_methods"],
        "tax_lines",
        "shipping_method_id",
        Vec::new(),
    );

    let country = cart["shipping_address"]["country_code"]
        .as_str()
        .map(str::to_lowercase);
    if let (Some(country), true) = (country, cart["region"]["automatic_taxes"] != false) {
        let regions = super::taxes::tax_regions(exec, &env.query, &country).await?;
        let regions = regions.as_array().map(Vec::as_slice).unwrap_or_default();
        let province = cart["shipping_address"]["province"]
            .as_str()
            .map(str::to_owned);
        let lines = |list: &Value| -> Vec<TaxableLine> {
            list.as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| {
                    Some(TaxableLine {
                        id: l["id"].as_str()?.to_owned(),
                    })
                })
                .collect()
        };
        for (model, fk, list) in [
            ("cart_line_item_tax_line", "item_id", "items"),
            (
                "cart_shipping_method_tax_line",
                "shipping_method_id",
                "shipping_methods",
            ),
        ] {
            let wanted: Vec<Value> =
                tax_lines(&lines(&cart[list]), regions, &country, province.as_deref())
                    .into_iter()
                    .map(|(line_id, mut tax)| {
                        tax[fk] = Value::String(line_id);
                        tax
                    })
                    .collect();
            let created = cart_svc.create(exec, model, rows(wanted)).await?;
            attach(&mut cart[list], "tax_lines", fk, created);
        }
    }
    // The cart as a fresh read would show it, without reading it again.
    if let Value::Object(map) = &mut cart {
        crate::modules::totals::with_totals(map);
    }
    if let Some(collection) = cart["payment_collection"]["id"].as_str()
        && cart["payment_collection"]["amount"] != cart["total"]
    {
        let payment = env
            .registry
            .service("payment")
            .ok_or_else(|| StepError::new("no payment module"))?;
        let data = json!({ "amount": cart["total"] });
        let updated = payment
            .update_by_id(
                exec,
                "payment_collection",
                collection,
                data.as_object().unwrap_or(&Default::default()),
            )
            .await?;
        if let Value::Object(current) = &mut cart["payment_collection"] {
            current.extend(updated);
        }
    }
    Ok(cart)
}

/// Puts `created` rows (children of the lines in `list`, joined on `fk`) into
/// each line's `key`, in id order as a read returns them.
fn attach(list: &mut Value, key: &str, fk: &str, mut created: Vec<serde_json::Map<String, Value>>) {
    created.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    for line in list.as_array_mut().into_iter().flatten() {
        let id = line["id"].clone();
        let mine: Vec<Value> = created
            .iter()
            .filter(|row| row.get(fk) == Some(&id))
            .cloned()
            .map(Value::Object)
            .collect();
        if let Value::Object(map) = line {
            map.insert(key.to_owned(), Value::Array(mine));
        }
    }
}
