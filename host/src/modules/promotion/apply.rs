//! Turning promotions into adjustments on a cart's items and shipping methods.

use rust_decimal::Decimal;
use serde_json::Value;

use super::rules::all_hold;
use crate::db::codec::parse_decimal;

/// A discount on one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    /// `item` or `shipping_method`.
    pub target: &'static str,
    pub line_id: String,
    pub amount: Decimal,
    pub code: String,
    pub promotion_id: String,
}

fn dec(v: &Value) -> Decimal {
    parse_decimal(v).unwrap_or_default()
}

/// A promotion's rules of `rule_type`, from its `promotion_rules`.
fn rules_of(promo: &Value, rule_type: &str) -> Value {
    Value::Array(
        promo["promotion_rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["rule_type"].as_str().unwrap_or("rules") == rule_type)
            .cloned()
            .collect(),
    )
}

/// Target rules name line attributes as `items.…` or `shipping_methods.…`;
/// checked against one line, without that prefix.
fn line_rules(rules: &Value, prefix: &str) -> Value {
    Value::Array(
        rules
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let mut r = r.clone();
                if let Some(rest) = r["attribute"]
                    .as_str()
                    .and_then(|a| a.strip_prefix(prefix))
                    .map(str::to_owned)
                {
                    r["attribute"] = Value::String(rest);
                }
                r
            })
            .collect(),
    )
}

/// Adjustments for `promotions` (each with `application_method` and
/// `promotion_rules` loaded) on a cart with `items` and `shipping_methods`.
/// A promotion applies only when its `rules` hold for the cart, and only to
/// the lines its `target_rules` hold for. Fixed amounts only apply in their
/// currency; a line is never discounted below zero.
pub fn compute_adjustments(cart: &Value, promotions: &[Value]) -> Vec<Adjustment> {
    let currency = cart["currency_code"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    for promo in promotions {
        if !all_hold(&rules_of(promo, "rules"), cart) {
            continue;
        }
        let targets = rules_of(promo, "target_rules");
        let method = &promo["application_method"];
        if promo["type"] == "buyget" {
            let items = cart["items"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let buys = line_rules(&rules_of(promo, "buy_rules"), "items.");
            for (line_id, amount) in
                super::buy_get::discounts(items, method, &buys, &line_rules(&targets, "items."))
            {
                out.push(Adjustment {
                    target: "item",
                    line_id,
                    amount,
                    code: promo["code"].as_str().unwrap_or_default().to_owned(),
                    promotion_id: promo["id"].as_str().unwrap_or_default().to_owned(),
                });
            }
            continue;
        }
        let (Some(kind), Some(target)) = (method["type"].as_str(), method["target_type"].as_str())
        else {
            continue;
        };
        if kind == "fixed"
            && method["currency_code"]
                .as_str()
                .is_some_and(|c| c != currency)
        {
            continue;
        }
        let (lines, line_kind): (Vec<(String, Decimal, Decimal)>, &'static str) = match target {
            "shipping_methods" => (
                cart["shipping_methods"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|m| all_hold(&line_rules(&targets, "shipping_methods."), m))
                    .map(|m| {
                        (
                            m["id"].as_str().unwrap_or_default().to_owned(),
                            dec(&m["amount"]),
                            Decimal::ONE,
                        )
                    })
                    .collect(),
                "shipping_method",
            ),
            _ => (
                cart["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|i| i["is_discountable"] != false)
                    .filter(|i| all_hold(&line_rules(&targets, "items."), i))
                    .map(|i| {
                        let qty = dec(&i["quantity"]);
                        (
                            i["id"].as_str().unwrap_or_default().to_owned(),
                            dec(&i["unit_price"]) * qty,
                            qty,
                        )
                    })
                    .collect(),
                "item",
            ),
        };
        let value = dec(&method["value"]);
        let base: Decimal = lines.iter().map(|(_, amount, _)| *amount).sum();
        if base <= Decimal::ZERO {
            continue;
        }
        let each = method["allocation"] == "each" && target != "order";
        for (line_id, amount, qty) in &lines {
            let discount = match (kind, each) {
                ("percentage", _) => *amount * value / Decimal::ONE_HUNDRED,
                (_, true) => value * *qty,
                _ => value * *amount / base,
            }
            .min(*amount)
            .round_dp(8);
            if discount > Decimal::ZERO {
                out.push(Adjustment {
                    target: line_kind,
                    line_id: line_id.clone(),
                    amount: discount,
                    code: promo["code"].as_str().unwrap_or_default().to_owned(),
                    promotion_id: promo["id"].as_str().unwrap_or_default().to_owned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cart() -> Value {
        json!({
            "currency_code": "eur",
            "items": [
                {"id": "a", "unit_price": 100, "quantity": 1},
                {"id": "b", "unit_price": 50, "quantity": 2, "is_discountable": true},
                {"id": "c", "unit_price": 10, "quantity": 1, "is_discountable": false},
            ],
            "shipping_methods": [{"id": "s", "amount": 8}],
        })
    }

    fn promo(
        kind: &str,
        target: &str,
        allocation: &str,
        value: f64,
        currency: Option<&str>,
    ) -> Value {
        json!({"id": "promo_1", "code": "X", "application_method": {"type": kind, "target_type": target, "allocation": allocation, "value": value, "currency_code": currency}})
    }

    #[test]
    fn percentage_on_items_skips_non_discountable() {
        let adj = compute_adjustments(
            &cart(),
            &[promo("percentage", "items", "across", 10.0, None)],
        );
        let amounts: Vec<(String, Decimal)> =
            adj.iter().map(|a| (a.line_id.clone(), a.amount)).collect();
        assert_eq!(
            amounts,
            [
                ("a".into(), Decimal::from(10)),
                ("b".into(), Decimal::from(10))
            ]
        );
    }

    #[test]
    fn fixed_across_is_spread_and_fixed_each_per_unit() {
        let across = compute_adjustments(
            &cart(),
            &[promo("fixed", "items", "across", 20.0, Some("eur"))],
        );
        assert_eq!(
            across.iter().map(|a| a.amount).sum::<Decimal>(),
            Decimal::from(20)
        );
        let each = compute_adjustments(
            &cart(),
            &[promo("fixed", "items", "each", 5.0, Some("eur"))],
        );
        assert_eq!(
            each.iter().find(|a| a.line_id == "b").map(|a| a.amount),
            Some(Decimal::from(10))
        );
        assert!(
            compute_adjustments(
                &cart(),
                &[promo("fixed", "items", "across", 20.0, Some("usd"))]
            )
            .is_empty()
        );
    }

    #[test]
    fn free_shipping_is_capped_at_the_amount() {
        let adj = compute_adjustments(
            &cart(),
            &[promo(
                "percentage",
                "shipping_methods",
                "across",
                100.0,
                None,
            )],
        );
        assert_eq!(
            adj,
            [Adjustment {
                target: "shipping_method",
                line_id: "s".into(),
                amount: Decimal::from(8),
                code: "X".into(),
                promotion_id: "promo_1".into()
            }]
        );
    }

    #[test]
    fn rules_gate_the_promotion_and_target_rules_pick_the_lines() {
        let mut cart = cart();
        cart["region"] = json!({ "id": "reg_eu" });
        cart["items"][1]["product"] =
            json!({ "id": "prod_b", "categories": [{ "id": "pcat_hats" }] });
        let mut promo = promo("percentage", "items", "across", 10.0, None);
        promo["promotion_rules"] = json!([
            { "attribute": "region.id", "operator": "in", "values": ["reg_eu"], "rule_type": "rules" },
            { "attribute": "items.product.categories.id", "operator": "in", "values": ["pcat_hats"], "rule_type": "target_rules" },
        ]);
        let adj = compute_adjustments(&cart, std::slice::from_ref(&promo));
        let lines: Vec<&str> = adj.iter().map(|a| a.line_id.as_str()).collect();
        assert_eq!(lines, ["b"]);
        cart["region"]["id"] = json!("reg_us");
        assert!(compute_adjustments(&cart, &[promo]).is_empty());
    }
}
