//! Tax module: tax regions (a country, optionally a province) with their rates,
//! and the system provider that turns them into tax lines.

mod lines;

pub use lines::{TaxableLine, tax_lines};

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("tax")
        .model(
            ModelDef::new("tax_region", "txreg")
                .text("country_code")
                .index()
                .text("province_code")
                .nullable()
                .text("parent_id")
                .nullable()
                .text("provider_id")
                .nullable()
                .json("metadata")
                .nullable()
                .has_many("tax_rates", "tax_rate", "tax_region_id")
                .cascade(),
        )
        .model(
            ModelDef::new("tax_rate", "txr")
                .float("rate")
                .nullable()
                .text("code")
                .text("name")
                .boolean("is_default")
                .default(false)
                .boolean("is_combinable")
                .default(false)
                .json("metadata")
                .nullable()
                .belongs_to("tax_region", "tax_region", "tax_region_id"),
        )
}
