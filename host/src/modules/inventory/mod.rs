//! Inventory module: inventory items, their stock levels per location, and
//! reservations held for orders.

pub mod reserve;

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::with_shipping_details;

pub fn definition() -> ModuleDef {
    ModuleDef::new("inventory")
        .model(
            ModelDef::new("inventory_item", "iitem")
                .text("sku")
                .nullable()
                .unique()
                .text("title")
                .nullable()
                .searchable()
                .text("description")
                .nullable()
                .text("thumbnail")
                .nullable()
                .with(with_shipping_details)
                .boolean("requires_shipping")
                .default(true)
                .json("metadata")
                .nullable()
                .has_many("location_levels", "inventory_level", "inventory_item_id")
                .cascade()
                .has_many("reservation_items", "reservation_item", "inventory_item_id")
                .cascade(),
        )
        .model(
            ModelDef::new("inventory_level", "ilev")
                .text("location_id")
                .index()
                .number("stocked_quantity")
                .default(0)
                .number("reserved_quantity")
                .default(0)
                .number("incoming_quantity")
                .default(0)
                .json("metadata")
                .nullable()
                .belongs_to("inventory_item", "inventory_item", "inventory_item_id")
                .unique_together(&["inventory_item_id", "location_id"]),
        )
        .model(
            ModelDef::new("reservation_item", "resitem")
                .text("location_id")
                .number("quantity")
                .text("line_item_id")
                .nullable()
                .index()
                .text("description")
                .nullable()
                .text("external_id")
                .nullable()
                .json("metadata")
                .nullable()
                .belongs_to("inventory_item", "inventory_item", "inventory_item_id"),
        )
}
