//! Cart module: carts, line items, addresses, shipping methods, their
//! adjustments and tax lines.

pub mod claim;

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::with_address_fields;

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
            ModelDef::new("cart_line_item", "cali")
                .text("title")
                .text("subtitle")
                .nullable()
                .text("thumbnail")
                .nullable()
                .number("quantity")
                .text("variant_id")
                .nullable()
                .index()
                .text("product_id")
                .nullable()
                .text("product_title")
                .nullable()
                .text("product_description")
                .nullable()
                .text("product_subtitle")
                .nullable()
                .text("product_type")
                .nullable()
                .text("product_collection")
                .nullable()
                .text("product_handle")
                .nullable()
                .text("variant_sku")
                .nullable()
                .text("variant_barcode")
                .nullable()
                .text("variant_title")
                .nullable()
                .json("variant_option_values")
                .nullable()
                .boolean("requires_shipping")
                .default(true)
                .boolean("is_discountable")
                .default(true)
                .boolean("is_tax_inclusive")
                .default(false)
                .big_number("compare_at_unit_price")
                .nullable()
                .big_number("unit_price")
                .json("metadata")
                .nullable()
                .belongs_to("cart", "cart", "cart_id")
                .has_many("adjustments", "cart_line_item_adjustment", "item_id")
                .cascade()
                .has_many("tax_lines", "cart_line_item_tax_line", "item_id")
                .cascade(),
        )
        .model(
            ModelDef::new("cart_line_item_adjustment", "caliadj")
                .text("code")
                .nullable()
                .big_number("amount")
                .text("promotion_id")
                .nullable()
                .text("description")
                .nullable()
                .text("provider_id")
                .nullable()
                .belongs_to("item", "cart_line_item", "item_id"),
        )
        .model(
            ModelDef::new("cart_line_item_tax_line", "calitxl")
                .text("code")
                .float("rate")
                .text("description")
                .nullable()
                .text("tax_rate_id")
                .nullable()
                .text("provider_id")
                .nullable()
                .belongs_to("item", "cart_line_item", "item_id"),
        )
        .model(
            ModelDef::new("cart_shipping_method", "casm")
                .text("name")
                .text("description")
                .nullable()
                .big_number("amount")
                .boolean("is_tax_inclusive")
                .default(false)
                .text("shipping_option_id")
                .nullable()
                .json("data")
                .nullable()
                .json("metadata")
                .nullable()
                .belongs_to("cart", "cart", "cart_id")
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
        .model(
            ModelDef::new("cart_shipping_method_adjustment", "casmadj")
                .text("code")
                .nullable()
                .big_number("amount")
                .text("promotion_id")
                .nullable()
                .text("description")
                .nullable()
                .text("provider_id")
                .nullable()
                .belongs_to(
                    "shipping_method",
                    "cart_shipping_method",
                    "shipping_method_id",
                ),
        )
        .model(
            ModelDef::new("cart_shipping_method_tax_line", "casmtxl")
                .text("code")
                .float("rate")
                .text("description")
                .nullable()
                .text("tax_rate_id")
                .nullable()
                .text("provider_id")
                .nullable()
                .belongs_to(
                    "shipping_method",
                    "cart_shipping_method",
                    "shipping_method_id",
                ),
        )
}
