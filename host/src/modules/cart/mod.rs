//! Cart module: carts, line items, addresses, shipping methods, their
//! adjustments and tax lines.

pub mod claim;

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::{
    adjustment_model, shipping_method_model, tax_line_model, with_address_fields,
    with_line_item_fields,
};

pub fn definition() -> ModuleDef {
    ModuleDef::new("cart")
        .model(
            ModelDef::new("cart", "cart")
                .text("region_id")
                .nullable()
                .text("customer_id")
                .nullable()
                .index()
                .text("sales_channel_id")
                .nullable()
                .text("email")
                .nullable()
                .text("currency_code")
                .text("shipping_address_id")
                .nullable()
                .text("billing_address_id")
                .nullable()
                .json("metadata")
                .nullable()
                .date_time("completed_at")
                .nullable()
                .belongs_to("shipping_address", "cart_address", "shipping_address_id")
                .belongs_to("billing_address", "cart_address", "billing_address_id")
                .has_many("items", "cart_line_item", "cart_id")
                .cascade()
                .has_many("shipping_methods", "cart_shipping_method", "cart_id")
                .cascade(),
        )
        .model(with_address_fields(ModelDef::new("cart_address", "caaddr")))
        .model(
            with_line_item_fields(ModelDef::new("cart_line_item", "cali"))
                .belongs_to("cart", "cart", "cart_id")
                .has_many("adjustments", "cart_line_item_adjustment", "item_id")
                .cascade()
                .has_many("tax_lines", "cart_line_item_tax_line", "item_id")
                .cascade(),
        )
        .model(adjustment_model(
            "cart_line_item_adjustment",
            "caliadj",
            "item",
            "cart_line_item",
            "item_id",
        ))
        .model(tax_line_model(
            "cart_line_item_tax_line",
            "calitxl",
            "item",
            "cart_line_item",
            "item_id",
        ))
        .model(
            shipping_method_model("cart_shipping_method", "casm", "cart", "cart", "cart_id")
                .has_many(
                    "adjustments",
                    "cart_shipping_method_adjustment",
                    "shipping_method_id",
                )
                .cascade()
                .has_many(
                    "tax_lines",
                    "cart_shipping_method_tax_line",
                    "shipping_method_id",
                )
                .cascade(),
        )
        .model(adjustment_model(
            "cart_shipping_method_adjustment",
            "casmadj",
            "shipping_method",
            "cart_shipping_method",
            "shipping_method_id",
        ))
        .model(tax_line_model(
            "cart_shipping_method_tax_line",
            "casmtxl",
            "shipping_method",
            "cart_shipping_method",
            "shipping_method_id",
        ))
}
