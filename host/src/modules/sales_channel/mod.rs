//! Sales channel module: where products are sold (web shop, POS, ...).

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("sales_channel").model(
        ModelDef::new("sales_channel", "sc")
            .text("name")
            .searchable()
            .text("description")
            .nullable()
            .boolean("is_disabled")
            .default(false)
            .json("metadata")
            .nullable(),
    )
}
