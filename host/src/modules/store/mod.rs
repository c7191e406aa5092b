//! Store module: the shop itself, its currencies and its defaults.

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("store")
        .model(
            ModelDef::new("store", "store")
                .text("name")
                .text("default_sales_channel_id")
                .nullable()
                .text("default_region_id")
                .nullable()
                .text("default_location_id")
                .nullable()
                .json("metadata")
                .nullable()
                .has_many("supported_currencies", "store_currency", "store_id")
                .cascade(),
        )
        .model(
            ModelDef::new("store_currency", "stocur")
                .text("currency_code")
                .boolean("is_default")
                .default(false)
                .belongs_to("store", "store", "store_id"),
        )
}
