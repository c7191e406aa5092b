//! Region module: markets with a currency, their countries and tax settings.

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("region")
        .model(
            ModelDef::new("region", "reg")
                .text("name")
                .searchable()
                .text("currency_code")
                .boolean("automatic_taxes")
                .default(true)
                .json("metadata")
                .nullable()
                .has_many("countries", "country", "region_id"),
        )
        .model(
            ModelDef::new("country", "country")
                .text("iso_2")
                .unique()
                .text("iso_3")
                .text("num_code")
                .text("name")
                .text("display_name")
                .text("region_id")
                .nullable()
                .index()
                .json("metadata")
                .nullable()
                .belongs_to("region", "region", "region_id"),
        )
}
