//! The calculated price of a price set in a context (currency, region), in
//! the shape Medusa returns as `variants[].calculated_price`.
//!
//! Base price: the region-specific price for the currency if there is one,
//! else the currency price. Price lists that are active now compete: an
//! `override` list price wins outright, a `sale` list price wins when lower.
//! `original_amount` is the base price (or the override). A list with `rules`
//! applies only to a context that meets every rule: `customer.groups.id`
//! wants one of the listed groups among the customer's; a rule on anything
//! else keeps the list out (it cannot be checked here).
//!
//! Tax inclusivity comes from price preferences: a region-specific price
//! follows the region's preference (else the currency's), any other price the
//! currency's. With a tax rate in the context (the region computes taxes and a
//! country is known), `calculated_amount_with_tax` / `_without_tax` and their
//! `original_` twins are added.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::db::codec::{decimal_to_json, parse_decimal};

/// Whether prices include tax, from the price preferences of the context's
/// region and currency (`None`: no preference).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaxInclusivity {
    pub region: Option<bool>,
    pub currency: Option<bool>,
}

impl TaxInclusivity {
    /// Whether `price` (a row with `region_id`) includes tax.
    pub fn of(&self, price: &Value) -> bool {
        let regional = !price["region_id"].is_null();
        let chosen = if regional {
            self.region.or(self.currency)
        } else {
            self.currency
        };
        chosen.unwrap_or(false)
    }
}

/// What prices are calculated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingContext {
    pub currency_code: String,
    pub region_id: Option<String>,
    /// The logged-in customer's groups (empty for guests).
    pub customer_group_ids: Vec<String>,
    /// Price preferences of the region and currency.
    pub tax_inclusivity: TaxInclusivity,
    /// The tax rate in percent where taxes are known (automatic taxes and a
    /// country); adds the `_with_tax` / `_without_tax` amounts.
    pub tax_rate: Option<Decimal>,
}

impl PricingContext {
    pub fn new(currency_code: String, region_id: Option<String>) -> Self {
        Self {
            currency_code,
            region_id,
            customer_group_ids: Vec::new(),
            tax_inclusivity: TaxInclusivity::default(),
            tax_rate: None,
        }
    }

    /// True when `list`'s rules admit this context.
    fn admits(&self, list: &Value) -> bool {
        let Some(rules) = list["rules"].as_object() else {
            return true;
        };
        rules.iter().all(|(attribute, wanted)| {
            let wanted: Vec<&str> = match wanted {
                Value::Array(values) => values.iter().filter_map(Value::as_str).collect(),
                Value::String(one) => vec![one.as_str()],
                _ => Vec::new(),
            };
            match attribute.as_str() {
                "customer.groups.id" | "customer_group_id" => self
                    .customer_group_ids
                    .iter()
                    .any(|g| wanted.contains(&g.as_str())),
                _ => false,
            }
        })
    }
}

fn amount(price: &Value) -> Option<f64> {
    price["amount"].as_f64()
}

fn raw(price: &Value) -> Value {
    price
        .get("raw_amount")
        .cloned()
        .unwrap_or_else(|| json!({ "value": price["amount"].to_string(), "precision": 20 }))
}

fn price_ref(price: &Value, list: Option<&Value>) -> Value {
    json!({
        "id": price["id"],
        "price_list_id": price["price_list_id"],
        "price_list_type": list.map_or(Value::Null, |l| l["type"].clone()),
        "min_quantity": price["min_quantity"],
        "max_quantity": price["max_quantity"],
    })
}

/// Calculates, for each price set (with its `prices` loaded), its price in
/// `ctx`. `lists` are the price lists by id; `now` is an ISO timestamp.
/// Price sets without a matching price are absent from the result.
pub fn calculate_prices(
    price_sets: &[Value],
    lists: &HashMap<String, Value>,
    ctx: &PricingContext,
    now: &str,
) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    for set in price_sets {
        let Some(set_id) = set["id"].as_str() else {
            continue;
        };
        let prices: Vec<&Value> = set["prices"]
            .as_array()
            .map(|p| {
                p.iter()
                    .filter(|p| p["currency_code"] == ctx.currency_code.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let in_region = |p: &&&Value| match (p["region_id"].as_str(), &ctx.region_id) {
            (None, _) => true,
            (Some(r), Some(ctx_r)) => r == ctx_r,
            (Some(_), None) => false,
        };
        let base_candidates: Vec<&&Value> = prices
            .iter()
            .filter(|p| p["price_list_id"].is_null())
            .filter(in_region)
            .collect();
        let base = base_candidates
            .iter()
            .find(|p| !p["region_id"].is_null())
            .or_else(|| base_candidates.iter().find(|p| p["region_id"].is_null()))
            .copied()
            .copied();
        let active_list = |p: &Value| -> Option<&Value> {
            let list = lists.get(p["price_list_id"].as_str()?)?;
            let live = list["status"] == "active"
                && list["starts_at"].as_str().is_none_or(|s| s <= now)
                && list["ends_at"].as_str().is_none_or(|e| e > now)
                && ctx.admits(list);
            live.then_some(list)
        };
        let listed: Vec<(&Value, &Value)> = prices
            .iter()
            .filter(in_region)
            .filter_map(|p| active_list(p).map(|l| (*p, l)))
            .collect();
        let override_price = listed
            .iter()
            .filter(|(_, l)| l["type"] == "override")
            .min_by(|a, b| cmp(a.0, b.0));
        let sale_price = listed
            .iter()
            .filter(|(_, l)| l["type"] == "sale")
            .min_by(|a, b| cmp(a.0, b.0));
        let (original, original_list) = match (override_price, base) {
            (Some((p, l)), _) => (*p, Some(*l)),
            (None, Some(b)) => (b, None),
            (None, None) => match sale_price {
                Some((p, l)) => (*p, Some(*l)),
                None => continue,
            },
        };
        let (calculated, calculated_list) = match sale_price {
            Some((p, l))
                if amount(p) < amount(original)
                    || original_list.is_some_and(|ol| ol["type"] == "sale") =>
            {
                (*p, Some(*l))
            }
            _ => (original, original_list),
        };
        let calculated_inclusive = ctx.tax_inclusivity.of(calculated);
        let original_inclusive = ctx.tax_inclusivity.of(original);
        let mut shaped = json!({
            "id": set_id,
            "is_calculated_price_price_list": calculated_list.is_some(),
            "is_calculated_price_tax_inclusive": calculated_inclusive,
            "calculated_amount": calculated["amount"],
            "raw_calculated_amount": raw(calculated),
            "is_original_price_price_list": original_list.is_some(),
            "is_original_price_tax_inclusive": original_inclusive,
            "original_amount": original["amount"],
            "raw_original_amount": raw(original),
            "currency_code": ctx.currency_code,
            "calculated_price": price_ref(calculated, calculated_list),
            "original_price": price_ref(original, original_list),
        });
        if let (Some(rate), Value::Object(map)) = (ctx.tax_rate, &mut shaped) {
            for (prefix, price, inclusive) in [
                ("calculated", calculated, calculated_inclusive),
                ("original", original, original_inclusive),
            ] {
                let (with, without) = with_and_without_tax(&price["amount"], rate, inclusive);
                map.insert(format!("{prefix}_amount_with_tax"), with);
                map.insert(format!("{prefix}_amount_without_tax"), without);
            }
        }
        out.insert(set_id.to_owned(), shaped);
    }
    out
}

/// An amount with and without tax at `rate` percent, given whether it
/// includes tax already.
fn with_and_without_tax(amount: &Value, rate: Decimal, inclusive: bool) -> (Value, Value) {
    let amount = parse_decimal(amount).unwrap_or_default();
    let factor = Decimal::ONE + rate / Decimal::ONE_HUNDRED;
    let (with, without) = if inclusive {
        (amount, amount / factor)
    } else {
        (amount * factor, amount)
    };
    (
        decimal_to_json(with.round_dp(8)),
        decimal_to_json(without.round_dp(8)),
    )
}

fn cmp(a: &Value, b: &Value) -> std::cmp::Ordering {
    amount(a)
        .partial_cmp(&amount(b))
        .unwrap_or(std::cmp::Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(region: Option<&str>) -> PricingContext {
        PricingContext::new("eur".into(), region.map(str::to_owned))
    }

    fn set(prices: Value) -> Vec<Value> {
        vec![json!({ "id": "pset_1", "prices": prices })]
    }

    #[test]
    fn currency_price_and_region_override() {
        let sets = set(json!([
            {"id": "p1", "currency_code": "eur", "amount": 30, "region_id": null, "price_list_id": null},
            {"id": "p2", "currency_code": "eur", "amount": 25, "region_id": "reg_eu", "price_list_id": null},
            {"id": "p3", "currency_code": "usd", "amount": 35, "region_id": null, "price_list_id": null},
        ]));
        let none = HashMap::new();
        let plain = calculate_prices(&sets, &none, &ctx(None), "2026-01-01");
        assert_eq!(plain["pset_1"]["calculated_amount"], 30);
        let regional = calculate_prices(&sets, &none, &ctx(Some("reg_eu")), "2026-01-01");
        assert_eq!(regional["pset_1"]["calculated_amount"], 25);
        assert_eq!(regional["pset_1"]["calculated_price"]["id"], "p2");
        let usd = PricingContext::new("gbp".into(), None);
        assert!(calculate_prices(&sets, &none, &usd, "2026-01-01").is_empty());
    }

    #[test]
    fn active_sale_lists_lower_the_calculated_price() {
        let sets = set(json!([
            {"id": "p1", "currency_code": "eur", "amount": 30, "region_id": null, "price_list_id": null},
            {"id": "p2", "currency_code": "eur", "amount": 20, "region_id": null, "price_list_id": "plist_sale"},
        ]));
        let mut lists = HashMap::new();
        lists.insert("plist_sale".to_owned(), json!({"id": "plist_sale", "type": "sale", "status": "active", "starts_at": null, "ends_at": "2026-06-01T00:00:00.000Z"}));
        let during = calculate_prices(&sets, &lists, &ctx(None), "2026-01-01T00:00:00.000Z");
        assert_eq!(during["pset_1"]["calculated_amount"], 20);
        assert_eq!(during["pset_1"]["original_amount"], 30);
        assert_eq!(
            during["pset_1"]["calculated_price"]["price_list_type"],
            "sale"
        );
        assert_eq!(during["pset_1"]["is_calculated_price_price_list"], true);
        let after = calculate_prices(&sets, &lists, &ctx(None), "2026-07-01T00:00:00.000Z");
        assert_eq!(after["pset_1"]["calculated_amount"], 30);
    }

    #[test]
    fn preferences_decide_tax_inclusivity_and_a_rate_adds_both_amounts() {
        let sets = set(json!([
            {"id": "p1", "currency_code": "eur", "amount": 30, "region_id": null, "price_list_id": null},
            {"id": "p2", "currency_code": "eur", "amount": 50, "region_id": "reg_eu", "price_list_id": null},
        ]));
        let none = HashMap::new();
        let now = "2026-01-01";
        let mut c = ctx(None);
        let plain = &calculate_prices(&sets, &none, &c, now)["pset_1"];
        assert_eq!(plain["is_calculated_price_tax_inclusive"], false);
        assert!(plain.get("calculated_amount_with_tax").is_none());

        c.tax_inclusivity.currency = Some(true);
        c.tax_rate = Some(Decimal::from(25));
        let inclusive = &calculate_prices(&sets, &none, &c, now)["pset_1"];
        assert_eq!(inclusive["is_calculated_price_tax_inclusive"], true);
        assert_eq!(inclusive["calculated_amount_with_tax"], json!(30));
        assert_eq!(inclusive["calculated_amount_without_tax"], json!(24));

        // A regional price follows the region's preference over the currency's.
        let mut regional = ctx(Some("reg_eu"));
        regional.tax_inclusivity = TaxInclusivity {
            region: Some(false),
            currency: Some(true),
        };
        regional.tax_rate = Some(Decimal::from(10));
        let exclusive = &calculate_prices(&sets, &none, &regional, now)["pset_1"];
        assert_eq!(exclusive["calculated_amount"], json!(50));
        assert_eq!(exclusive["is_calculated_price_tax_inclusive"], false);
        assert_eq!(exclusive["calculated_amount_with_tax"], json!(55));
        assert_eq!(exclusive["original_amount_without_tax"], json!(50));
    }

    #[test]
    fn a_group_list_prices_only_its_customers() {
        let sets = set(json!([
            {"id": "p1", "currency_code": "eur", "amount": 30, "region_id": null, "price_list_id": null},
            {"id": "p2", "currency_code": "eur", "amount": 24, "region_id": null, "price_list_id": "plist_vip"},
        ]));
        let mut lists = HashMap::new();
        lists.insert("plist_vip".to_owned(), json!({"id": "plist_vip", "type": "sale", "status": "active", "starts_at": null, "ends_at": null, "rules": {"customer.groups.id": ["cusgroup_vip"]}}));
        let now = "2026-01-01T00:00:00.000Z";
        let guest = calculate_prices(&sets, &lists, &ctx(None), now);
        assert_eq!(guest["pset_1"]["calculated_amount"], 30);
        let mut member = ctx(None);
        member.customer_group_ids = vec!["cusgroup_other".into(), "cusgroup_vip".into()];
        let vip = calculate_prices(&sets, &lists, &member, now);
        assert_eq!(vip["pset_1"]["calculated_amount"], 24);
        assert_eq!(vip["pset_1"]["original_amount"], 30);
        member.customer_group_ids = vec!["cusgroup_other".into()];
        assert_eq!(
            calculate_prices(&sets, &lists, &member, now)["pset_1"]["calculated_amount"],
            30
        );
        lists.insert("plist_vip".to_owned(), json!({"id": "plist_vip", "type": "sale", "status": "active", "rules": {"customer.groups.id": ["cusgroup_vip"], "region_id": ["reg_1"]}}));
        member.customer_group_ids = vec!["cusgroup_vip".into()];
        assert_eq!(
            calculate_prices(&sets, &lists, &member, now)["pset_1"]["calculated_amount"],
            30,
            "a rule it cannot check keeps the list out"
        );
    }
}
