//! Promotion module: standard promotions (percentage or fixed, on items,
//! shipping or the whole order, by code or automatic) and buy-get ones, with
//! their conditions (`rules` on the cart, `target_rules` on the lines
//! discounted, `buy_rules` on the lines bought), their campaigns and budgets
//! (usage or spend limits).

mod apply;
pub mod budget;
mod buy_get;
pub mod rules;

pub use apply::{Adjustment, compute_adjustments};

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("promotion")
        .model(
            ModelDef::new("promotion", "promo")
                .text("code")
                .unique()
                .searchable()
                .boolean("is_automatic")
                .default(false)
                .enumeration("type", ["standard", "buyget"])
                .default("standard")
                .enumeration("status", ["draft", "active", "inactive"])
                .default("active")
                .text("campaign_id")
                .nullable()
                .index()
                .belongs_to("campaign", "campaign", "campaign_id")
                .has_one("application_method", "application_method", "promotion_id")
                .cascade()
                .has_many("promotion_rules", "promotion_rule", "promotion_id")
                .cascade(),
        )
        .model(
            // `rule_type` says what a rule conditions: the cart (`rules`), the
            // lines discounted (`target_rules`) or bought (`buy_rules`).
            ModelDef::new("promotion_rule", "prorul")
                .text("attribute")
                .enumeration("operator", ["in", "eq", "ne", "gt", "gte", "lt", "lte"])
                .json("values")
                .text("description")
                .nullable()
                .enumeration("rule_type", ["rules", "target_rules", "buy_rules"])
                .default("rules")
                .belongs_to("promotion", "promotion", "promotion_id"),
        )
        .model(
            ModelDef::new("application_method", "proappmet")
                .enumeration("type", ["fixed", "percentage"])
                .enumeration("target_type", ["items", "shipping_methods", "order"])
                .default("items")
                .enumeration("allocation", ["each", "across"])
                .default("across")
                .big_number("value")
                .text("currency_code")
                .nullable()
                .number("max_quantity")
                .nullable()
                .number("buy_rules_min_quantity")
                .nullable()
                .number("apply_to_quantity")
                .nullable()
                .belongs_to("promotion", "promotion", "promotion_id"),
        )
        .model(
            ModelDef::new("campaign", "procamp")
                .text("name")
                .searchable()
                .text("campaign_identifier")
                .unique()
                .text("description")
                .nullable()
                .date_time("starts_at")
                .nullable()
                .date_time("ends_at")
                .nullable()
                .has_one("budget", "campaign_budget", "campaign_id")
                .cascade()
                .has_many("promotions", "promotion", "campaign_id"),
        )
        .model(
            ModelDef::new("campaign_budget", "probudg")
                .enumeration("type", ["spend", "usage"])
                .float("limit")
                .nullable()
                .float("used")
                .default(0)
                .text("currency_code")
                .nullable()
                .belongs_to("campaign", "campaign", "campaign_id"),
        )
}
