//! Medusa's totals for carts and orders (the same shape): per line item, per
//! shipping method and for the whole, from unit prices, quantities, tax lines
//! (rates in percent) and adjustments (discount amounts, tax-exclusive).
//!
//! Line: `subtotal = unit_price × quantity`; `tax_total = Σrate × (subtotal −
//! discount_subtotal)`; `total = subtotal − discount_subtotal + tax_total`.
//! Whole: `subtotal = item_subtotal + shipping_subtotal`; `total = subtotal −
//! discount_subtotal + tax_total`; `discount_total` includes the discount's tax.

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::db::codec::{decimal_to_json, parse_decimal};

fn dec(v: &Value) -> Decimal {
    parse_decimal(v).unwrap_or_default()
}

fn num(d: Decimal) -> Value {
    decimal_to_json(d.round_dp(8))
}

#[derive(Default, Clone, Copy)]
struct Sums {
    subtotal: Decimal,
    tax_total: Decimal,
    total: Decimal,
    discount_subtotal: Decimal,
    discount_tax_total: Decimal,
    original_tax_total: Decimal,
    original_total: Decimal,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.subtotal += o.subtotal;
        self.tax_total += o.tax_total;
        self.total += o.total;
        self.discount_subtotal += o.discount_subtotal;
        self.discount_tax_total += o.discount_tax_total;
        self.original_tax_total += o.original_tax_total;
        self.original_total += o.original_total;
    }
}

/// Totals of one line whose gross amount (before tax and discounts) is `gross`.
fn line(line: &mut Map<String, Value>, gross: Decimal) -> Sums {
    let rate: Decimal = line
        .get("tax_lines")
        .and_then(Value::as_array)
        .map(|tl| tl.iter().map(|t| dec(&t["rate"])).sum::<Decimal>() / Decimal::ONE_HUNDRED)
        .unwrap_or_default();
    let inclusive = line
        .get("is_tax_inclusive")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let subtotal = if inclusive {
        gross / (Decimal::ONE + rate)
    } else {
        gross
    };
    let discount_subtotal = line
        .get("adjustments")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|a| dec(&a["amount"])).sum::<Decimal>())
        .unwrap_or_default()
        .min(subtotal);
    let discount_tax_total = discount_subtotal * rate;
    let tax_total = (subtotal - discount_subtotal) * rate;
    let original_tax_total = subtotal * rate;
    let s = Sums {
        subtotal,
        tax_total,
        total: subtotal - discount_subtotal + tax_total,
        discount_subtotal,
        discount_tax_total,
        original_tax_total,
        original_total: subtotal + original_tax_total,
    };
    for (k, v) in [
        ("subtotal", s.subtotal),
        ("tax_total", s.tax_total),
        ("total", s.total),
        ("original_subtotal", s.subtotal),
        ("original_tax_total", s.original_tax_total),
        ("original_total", s.original_total),
        ("discount_subtotal", s.discount_subtotal),
        ("discount_tax_total", s.discount_tax_total),
        ("discount_total", s.discount_subtotal + s.discount_tax_total),
    ] {
        line.insert(k.to_owned(), num(v));
    }
    s
}

/// Adds every total to a cart or order (its `items` and `shipping_methods`
/// with their `tax_lines` and `adjustments` loaded) and to each of them.
pub fn with_totals(whole: &mut Map<String, Value>) {
    let mut items = Sums::default();
    if let Some(Value::Array(list)) = whole.get_mut("items") {
        for item in list.iter_mut().filter_map(Value::as_object_mut) {
            let gross = dec(&item["unit_price"]) * dec(&item["quantity"]);
            let s = line(item, gross);
            for (k, v) in [
                ("item_total", s.total),
                ("item_subtotal", s.subtotal),
                ("item_tax_total", s.tax_total),
            ] {
                item.insert(k.to_owned(), num(v));
            }
            items.add(&s);
        }
    }
    let mut shipping = Sums::default();
    if let Some(Value::Array(list)) = whole.get_mut("shipping_methods") {
        for method in list.iter_mut().filter_map(Value::as_object_mut) {
            let gross = dec(&method["amount"]);
            shipping.add(&line(method, gross));
        }
    }
    let mut all = items;
    all.add(&shipping);
    for (k, v) in [
        ("item_subtotal", items.subtotal),
        ("item_tax_total", items.tax_total),
        ("item_total", items.total),
        ("original_item_subtotal", items.subtotal),
        ("original_item_tax_total", items.original_tax_total),
        ("original_item_total", items.original_total),
        ("shipping_subtotal", shipping.subtotal),
        ("shipping_tax_total", shipping.tax_total),
        ("shipping_total", shipping.total),
        ("original_shipping_subtotal", shipping.subtotal),
        ("original_shipping_tax_total", shipping.original_tax_total),
        ("original_shipping_total", shipping.original_total),
        ("subtotal", all.subtotal),
        ("tax_total", all.tax_total),
        ("total", all.total),
        ("discount_subtotal", all.discount_subtotal),
        ("discount_tax_total", all.discount_tax_total),
        (
            "discount_total",
            all.discount_subtotal + all.discount_tax_total,
        ),
        ("original_tax_total", all.original_tax_total),
        ("original_total", all.original_total),
        ("gift_card_total", Decimal::ZERO),
        ("gift_card_tax_total", Decimal::ZERO),
    ] {
        whole.insert(k.to_owned(), num(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn totals_follow_medusa() {
        let mut cart = json!({
            "items": [
                {"unit_price": 100, "quantity": 2, "tax_lines": [{"rate": 10}], "adjustments": [{"amount": 20}]},
                {"unit_price": 19.99, "quantity": 1, "tax_lines": [], "adjustments": []},
            ],
            "shipping_methods": [{"amount": 10, "tax_lines": [{"rate": 10}], "adjustments": []}],
        });
        let map = cart.as_object_mut().unwrap();
        with_totals(map);
        assert_eq!(map["items"][0]["subtotal"], json!(200));
        assert_eq!(map["items"][0]["tax_total"], json!(18));
        assert_eq!(map["items"][0]["total"], json!(198));
        assert_eq!(map["items"][0]["discount_total"], json!(22));
        assert_eq!(map["item_subtotal"], json!(219.99));
        assert_eq!(map["shipping_total"], json!(11));
        assert_eq!(map["subtotal"], json!(229.99));
        assert_eq!(map["tax_total"], json!(19));
        assert_eq!(map["discount_subtotal"], json!(20));
        assert_eq!(map["total"], json!(228.99));
        assert_eq!(map["original_total"], json!(250.99));
    }
}
