//! Promotion rules: conditions `{attribute, operator, values}` checked
//! against a context (the cart for a promotion's `rules`, one line for an
//! application method's `target_rules`). The attribute is a dotted path into
//! the context; lists on the way are flattened, so
//! `items.product.categories.id` or `customer.groups.id` name every id met.
//! A rule holds when one of the values found satisfies the operator against
//! the rule's values (`ne`: none of them equals one of the rule's values).

use rust_decimal::Decimal;
use serde_json::Value;

use crate::db::codec::parse_decimal;

/// The operators a rule may use.
pub const OPERATORS: &[&str] = &["in", "eq", "ne", "gt", "gte", "lt", "lte"];

/// The scalar values at `path` in `context`, lists flattened.
pub fn values_at(context: &Value, path: &str) -> Vec<Value> {
    let mut current = vec![context.clone()];
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let mut next = Vec::new();
        for value in current {
            match value {
                Value::Array(items) => next.extend(items.into_iter().map(|i| i[segment].clone())),
                other => next.push(other[segment].clone()),
            }
        }
        current = next;
    }
    let mut out = Vec::new();
    for value in current {
        match value {
            Value::Array(items) => out.extend(items),
            Value::Null => {}
            other => out.push(other),
        }
    }
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn number(v: &Value) -> Option<Decimal> {
    parse_decimal(v)
}

/// The rule's values as a list (a single value counts as one).
fn rule_values(rule: &Value) -> Vec<Value> {
    match &rule["values"] {
        Value::Array(values) => values
            .iter()
            .map(|v| match v {
                Value::Object(o) => o.get("value").cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })
            .collect(),
        Value::Null => Vec::new(),
        single => vec![single.clone()],
    }
}

/// Whether `rule` holds in `context`.
pub fn rule_holds(rule: &Value, context: &Value) -> bool {
    let found = values_at(context, rule["attribute"].as_str().unwrap_or_default());
    let wanted = rule_values(rule);
    let operator = rule["operator"].as_str().unwrap_or("in");
    let equal = |a: &Value, b: &Value| text(a) == text(b);
    match operator {
        "in" | "eq" => found.iter().any(|f| wanted.iter().any(|w| equal(f, w))),
        "ne" => !found.iter().any(|f| wanted.iter().any(|w| equal(f, w))),
        "gt" | "gte" | "lt" | "lte" => {
            let Some(bound) = wanted.first().and_then(number) else {
                return false;
            };
            found.iter().filter_map(number).any(|f| match operator {
                "gt" => f > bound,
                "gte" => f >= bound,
                "lt" => f < bound,
                _ => f <= bound,
            })
        }
        _ => false,
    }
}

/// Whether every rule in `rules` holds in `context` (no rules: true).
pub fn all_hold(rules: &Value, context: &Value) -> bool {
    rules
        .as_array()
        .is_none_or(|rules| rules.iter().all(|r| rule_holds(r, context)))
}

/// Checks a rule from a request: a known operator, an attribute, values.
pub fn validate(rule: &Value) -> Result<(), String> {
    let attribute = rule["attribute"].as_str().unwrap_or_default();
    if attribute.trim().is_empty() {
        return Err("A promotion rule needs an attribute".into());
    }
    let operator = rule["operator"].as_str().unwrap_or_default();
    if !OPERATORS.contains(&operator) {
        return Err(format!(
            "Invalid operator '{operator}' for rule '{attribute}': expected one of {}",
            OPERATORS.join(", ")
        ));
    }
    if rule_values(rule).is_empty() {
        return Err(format!("The rule '{attribute}' needs values"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cart() -> Value {
        json!({
            "currency_code": "eur",
            "region": { "id": "reg_eu" },
            "customer": { "groups": [{ "id": "cusgroup_vip" }, { "id": "cusgroup_b2b" }] },
            "items": [{ "product": { "id": "prod_1", "categories": [{ "id": "pcat_shirts" }] }, "quantity": 3 }],
        })
    }

    fn rule(attribute: &str, operator: &str, values: Value) -> Value {
        json!({ "attribute": attribute, "operator": operator, "values": values })
    }

    #[test]
    fn paths_flatten_lists_on_the_way() {
        assert_eq!(
            values_at(&cart(), "customer.groups.id"),
            vec![json!("cusgroup_vip"), json!("cusgroup_b2b")]
        );
        assert_eq!(
            values_at(&cart(), "items.product.categories.id"),
            vec![json!("pcat_shirts")]
        );
        assert!(values_at(&cart(), "shipping_address.country_code").is_empty());
    }

    #[test]
    fn operators_compare_what_the_context_holds() {
        let c = cart();
        assert!(rule_holds(
            &rule("customer.groups.id", "in", json!(["cusgroup_vip"])),
            &c
        ));
        assert!(!rule_holds(
            &rule("customer.groups.id", "in", json!(["cusgroup_x"])),
            &c
        ));
        assert!(rule_holds(&rule("currency_code", "eq", json!("eur")), &c));
        assert!(rule_holds(&rule("region.id", "ne", json!(["reg_us"])), &c));
        assert!(!rule_holds(&rule("region.id", "ne", json!(["reg_eu"])), &c));
        assert!(rule_holds(&rule("items.quantity", "gte", json!(["3"])), &c));
        assert!(!rule_holds(&rule("items.quantity", "gt", json!(["3"])), &c));
        assert!(rule_holds(
            &rule("items.quantity", "lt", json!([{ "value": "4" }])),
            &c
        ));
        assert!(!rule_holds(&rule("missing.path", "in", json!(["x"])), &c));
        assert!(all_hold(&json!([]), &c));
        assert!(!all_hold(
            &json!([rule("currency_code", "eq", json!("usd"))]),
            &c
        ));
    }

    #[test]
    fn a_rule_from_a_request_is_checked() {
        assert!(validate(&rule("region.id", "in", json!(["reg_1"]))).is_ok());
        assert!(validate(&rule("region.id", "like", json!(["reg_1"]))).is_err());
        assert!(validate(&rule("", "in", json!(["reg_1"]))).is_err());
        assert!(validate(&rule("region.id", "in", json!([]))).is_err());
    }
}
