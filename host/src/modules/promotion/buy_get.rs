//! Buy-get promotions ("buy 2 shirts, get a cap free"): when the cart holds
//! at least `buy_rules_min_quantity` units of the lines its `buy_rules` hold
//! for, `apply_to_quantity` units of the lines its `target_rules` hold for
//! are discounted, the dearest units first (as Medusa does): a percentage of
//! their unit price (100 = free), or a fixed amount per unit, never below
//! zero.

use rust_decimal::Decimal;
use serde_json::Value;

use super::rules::all_hold;
use crate::db::codec::parse_decimal;

fn dec(v: &Value) -> Decimal {
    parse_decimal(v).unwrap_or_default()
}

/// `(line id, discount)` for a buy-get promotion whose application method is
/// `method`, with its buy and target rules already relative to one line.
pub fn discounts(
    items: &[Value],
    method: &Value,
    buy_rules: &Value,
    target_rules: &Value,
) -> Vec<(String, Decimal)> {
    let needed = dec(&method["buy_rules_min_quantity"]);
    let mut remaining = dec(&method["apply_to_quantity"]);
    if needed <= Decimal::ZERO || remaining <= Decimal::ZERO {
        return Vec::new();
    }
    let bought: Decimal = items
        .iter()
        .filter(|i| all_hold(buy_rules, i))
        .map(|i| dec(&i["quantity"]))
        .sum();
    if bought < needed {
        return Vec::new();
    }
    let mut targets: Vec<(&str, Decimal, Decimal)> = items
        .iter()
        .filter(|i| i["is_discountable"] != false && all_hold(target_rules, i))
        .map(|i| {
            (
                i["id"].as_str().unwrap_or_default(),
                dec(&i["unit_price"]),
                dec(&i["quantity"]),
            )
        })
        .collect();
    targets.sort_by_key(|t| std::cmp::Reverse(t.1));
    let value = dec(&method["value"]);
    let mut out = Vec::new();
    for (id, unit, quantity) in targets {
        if remaining <= Decimal::ZERO {
            break;
        }
        let units = quantity.min(remaining);
        remaining -= units;
        let per_unit = match method["type"].as_str() {
            Some("fixed") => value.min(unit),
            _ => unit * value / Decimal::ONE_HUNDRED,
        };
        let amount = (per_unit * units).round_dp(8);
        if amount > Decimal::ZERO {
            out.push((id.to_owned(), amount));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items() -> Vec<Value> {
        vec![
            json!({ "id": "shirt", "unit_price": 30, "quantity": 2, "product": { "id": "prod_shirt" } }),
            json!({ "id": "cap", "unit_price": 10, "quantity": 3, "product": { "id": "prod_cap" } }),
            json!({ "id": "hat", "unit_price": 15, "quantity": 1, "product": { "id": "prod_hat" } }),
        ]
    }

    fn rule(product: &[&str]) -> Value {
        json!([{ "attribute": "product.id", "operator": "in", "values": product }])
    }

    fn method(min: i64, apply: i64, kind: &str, value: i64) -> Value {
        json!({ "buy_rules_min_quantity": min, "apply_to_quantity": apply, "type": kind, "value": value })
    }

    #[test]
    fn buying_enough_frees_the_dearest_target_units_first() {
        let got = discounts(
            &items(),
            &method(2, 2, "percentage", 100),
            &rule(&["prod_shirt"]),
            &rule(&["prod_cap", "prod_hat"]),
        );
        assert_eq!(
            got,
            vec![
                ("hat".into(), Decimal::from(15)),
                ("cap".into(), Decimal::from(10))
            ]
        );
    }

    #[test]
    fn too_few_bought_gives_nothing_and_fixed_is_per_unit() {
        let few = discounts(
            &items(),
            &method(3, 1, "percentage", 100),
            &rule(&["prod_shirt"]),
            &rule(&["prod_cap"]),
        );
        assert!(few.is_empty());
        let fixed = discounts(
            &items(),
            &method(1, 2, "fixed", 4),
            &rule(&["prod_shirt"]),
            &rule(&["prod_cap"]),
        );
        assert_eq!(fixed, vec![("cap".into(), Decimal::from(8))]);
    }
}
