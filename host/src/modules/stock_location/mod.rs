//! Stock location module: warehouses and stores that hold stock.

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::with_address_fields;

pub fn definition() -> ModuleDef {
    ModuleDef::new("stock_location")
        .model(
            ModelDef::new("stock_location", "sloc")
                .text("name")
                .searchable()
                .text("address_id")
                .nullable()
                .json("metadata")
                .nullable()
                .belongs_to("address", "stock_location_address", "address_id"),
        )
        .model(with_address_fields(ModelDef::new(
            "stock_location_address",
            "laddr",
        )))
}
