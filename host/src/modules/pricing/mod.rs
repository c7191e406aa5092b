//! Pricing module: price sets with prices per currency (optionally per
//! region), price lists (sales and overrides), and the `calculated_price`
//! Medusa returns for a context. Price preferences say whether the prices of
//! a region or a currency include tax.

mod calculate;

pub use calculate::{PricingContext, TaxInclusivity, calculate_prices};

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("pricing")
        .model(
            ModelDef::new("price_set", "pset")
                .has_many("prices", "price", "price_set_id")
                .cascade(),
        )
        .model(
            ModelDef::new("price", "price")
                .text("currency_code")
                .index()
                .big_number("amount")
                .number("min_quantity")
                .nullable()
                .number("max_quantity")
                .nullable()
                .text("region_id")
                .nullable()
                .text("price_list_id")
                .nullable()
                .index()
                .number("rules_count")
                .default(0)
                .belongs_to("price_set", "price_set", "price_set_id"),
        )
        .model(
            ModelDef::new("price_list", "plist")
                .text("title")
                .searchable()
                .text("description")
                .default("")
                .enumeration("type", ["sale", "override"])
                .default("sale")
                .enumeration("status", ["active", "draft"])
                .default("draft")
                .date_time("starts_at")
                .nullable()
                .date_time("ends_at")
                .nullable()
                // Who the list is for, e.g. `{"customer.groups.id": ["cusgroup_…"]}`.
                .json("rules")
                .nullable()
                .has_many("prices", "price", "price_list_id"),
        )
        .model(
            // `attribute` is `region_id` or `currency_code`; `value` the id or code.
            ModelDef::new("price_preference", "prpref")
                .text("attribute")
                .index()
                .text("value")
                .boolean("is_tax_inclusive")
                .default(false)
                .unique_together(&["attribute", "value"]),
        )
}
