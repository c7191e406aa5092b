//! After every cart change: promotions (the codes applied and the automatic
//! ones whose rules hold) become adjustments again, tax lines
//! are recomputed from the shipping address, and the payment collection's
//! amount follows the new total. Adjustments and tax lines that come out
//! as they were stay as they are: only what changed is written.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::data::ModuleService;
use crate::framework::workflows::{StepError, WorkflowEnv};
use crate::modules::promotion::compute_adjustments;
use crate::modules::tax::{TaxableLine, tax_lines};

use super::promotions;
use super::read::load_cart;

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
    let cart = load_cart(exec, &env.query, cart_id).await?;
    refresh_read(exec, env, cart).await
}

/// [`refresh`] of a cart already read in this transaction, as a read would
/// show it now (a step that read the cart and knows what it changed).
pub async fn refresh_read(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    mut cart: Value,
) -> Result<Value, StepError> {
    let cart_svc = env
        .registry
        .service("cart")
        .ok_or_else(|| StepError::new("no cart module"))?;
    // A cart a step changed after reading it: totals as its lines are now.
    if let Value::Object(map) = &mut cart {
        crate::modules::totals::with_totals(map);
    }
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
    sync(
        exec,
        &cart_svc,
        &mut cart,
        &ITEM_ADJUSTMENTS,
        item_adjustments,
    )
    .await?;
    sync(
        exec,
        &cart_svc,
        &mut cart,
        &METHOD_ADJUSTMENTS,
        method_adjustments,
    )
    .await?;
    // Without a shipping country there are no tax lines.
    let mut taxes = (Vec::new(), Vec::new());
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
        let wanted = |of: &Children| -> Vec<Value> {
            tax_lines(
                &lines(&cart[of.list]),
                regions,
                &country,
                province.as_deref(),
            )
            .into_iter()
            .map(|(line_id, mut tax)| {
                tax[of.fk] = Value::String(line_id);
                tax
            })
            .collect()
        };
        taxes = (wanted(&ITEM_TAXES), wanted(&METHOD_TAXES));
    }
    sync(exec, &cart_svc, &mut cart, &ITEM_TAXES, taxes.0).await?;
    sync(exec, &cart_svc, &mut cart, &METHOD_TAXES, taxes.1).await?;
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

/// One kind of child row of a cart's lines: `cart[list][*][key]`, rows of
/// `model` joined to their line on `fk`.
struct Children {
    list: &'static str,
    key: &'static str,
    fk: &'static str,
    model: &'static str,
}

const ITEM_ADJUSTMENTS: Children = Children {
    list: "items",
    key: "adjustments",
    fk: "item_id",
    model: "cart_line_item_adjustment",
};
const METHOD_ADJUSTMENTS: Children = Children {
    list: "shipping_methods",
    key: "adjustments",
    fk: "shipping_method_id",
    model: "cart_shipping_method_adjustment",
};
const ITEM_TAXES: Children = Children {
    list: "items",
    key: "tax_lines",
    fk: "item_id",
    model: "cart_line_item_tax_line",
};
const METHOD_TAXES: Children = Children {
    list: "shipping_methods",
    key: "tax_lines",
    fk: "shipping_method_id",
    model: "cart_shipping_method_tax_line",
};

/// Whether the stored `row` already says what `wanted` says (numbers
/// compare by value: a stored 19.0 is a wanted 19).
fn says(row: &Value, wanted: &Value) -> bool {
    wanted.as_object().is_some_and(|w| {
        w.iter().all(|(k, v)| match (&row[k], v) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (a, b) => a == b,
        })
    })
}

/// Makes the cart's `of` children the `wanted` rows: those already stored
/// stay (no write), the others are deleted and the missing ones created;
/// each line then shows its children in id order, as a read would.
async fn sync(
    exec: &mut Exec<'_>,
    cart_svc: &ModuleService,
    cart: &mut Value,
    of: &Children,
    mut wanted: Vec<Value>,
) -> Result<(), StepError> {
    let mut kept = Vec::new();
    let mut stale = Vec::new();
    for line in cart[of.list].as_array().into_iter().flatten() {
        for row in line[of.key].as_array().into_iter().flatten() {
            match wanted.iter().position(|w| says(row, w)) {
                Some(at) => {
                    wanted.remove(at);
                    kept.extend(row.as_object().cloned());
                }
                None => stale.extend(row["id"].as_str().map(str::to_owned)),
            }
        }
    }
    cart_svc.delete(exec, of.model, &stale).await?;
    kept.extend(cart_svc.create(exec, of.model, rows(wanted)).await?);
    kept.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    for line in cart[of.list].as_array_mut().into_iter().flatten() {
        let id = line["id"].clone();
        let mine: Vec<Value> = kept
            .iter()
            .filter(|row| row.get(of.fk) == Some(&id))
            .cloned()
            .map(Value::Object)
            .collect();
        if let Value::Object(map) = line {
            map.insert(of.key.to_owned(), Value::Array(mine));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_row_says_what_is_wanted_when_every_wanted_field_matches() {
        let stored = json!({ "id": "tl_1", "item_id": "li_1", "code": "DE", "rate": 19.0, "created_at": "…" });
        assert!(says(
            &stored,
            &json!({ "item_id": "li_1", "code": "DE", "rate": 19 })
        ));
        assert!(!says(
            &stored,
            &json!({ "item_id": "li_1", "code": "DE", "rate": 7 })
        ));
        assert!(!says(
            &stored,
            &json!({ "item_id": "li_2", "code": "DE", "rate": 19 })
        ));
        assert!(!says(
            &stored,
            &json!({ "item_id": "li_1", "provider_id": "system" })
        ));
    }
}
