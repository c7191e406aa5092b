//! Order module: orders with their items (and fulfilment progress per item),
//! addresses, shipping methods, adjustments and tax lines.

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::with_address_fields;

pub fn definition() -> ModuleDef {
    ModuleDef::new("order")
        .model(
            ModelDef::new("order", "order")
                .number("display_id")
                .unique()
                .text("region_id")
                .nullable()
                .text("customer_id")
                .nullable()
                .index()
                .text("sales_channel_id")
                .nullable()
                .text("email")
                .nullable()
                .searchable()
                .text("currency_code")
                .enumeration(
                    "status",
                    [
                        "pending",
                        "completed",
                        "draft",
                        "archived",
                        "canceled",
                        "requires_action",
                    ],
                )
                .default("pending")
                .text("shipping_address_id")
                .nullable()
                .text("billing_address_id")
                .nullable()
                .number("version")
                .default(1)
                .boolean("no_notification")
                .default(false)
                .date_time("canceled_at")
                .nullable()
                .json("metadata")
                .nullable()
                .belongs_to("shipping_address", "order_address", "shipping_address_id")
                .belongs_to("billing_address", "order_address", "billing_address_id")
                .has_many("items", "order_line_item", "order_id")
                .cascade()
                .has_many("shipping_methods", "order_shipping_method", "order_id")
                .cascade(),
        )
        .model(with_address_fields(ModelDef::new(
            "order_address",
            "ordaddr",
        )))
        .model(
            ModelDef::new("order_line_item", "ordli")
                .text("title")
                .text("subtitle")
                .nullable()
                .text("thumbnail")
                .nullable()
                .number("quantity")
                .number("fulfilled_quantity")
                .default(0)
                .number("shipped_quantity")
                .default(0)
                .number("delivered_quantity")
                .default(0)
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
                .belongs_to("order", "order", "order_id")
                .has_many("adjustments", "order_line_item_adjustment", "item_id")
                .cascade()
                .has_many("tax_lines", "order_line_item_tax_line", "item_id")
                .cascade(),
        )
        .model(
            ModelDef::new("order_line_item_adjustment", "ordliadj")
                .text("code")
                .nullable()
                .big_number("amount")
                .text("promotion_id")
                .nullable()
                .text("description")
                .nullable()
                .text("provider_id")
                .nullable()
                .belongs_to("item", "order_line_item", "item_id"),
        )
        .model(
            ModelDef::new("order_line_item_tax_line", "ordlitxl")
                .text("code")
                .float("rate")
                .text("description")
                .nullable()
                .text("tax_rate_id")
                .nullable()
                .text("provider_id")
                .nullable()
                .belongs_to("item", "order_line_item", "item_id"),
        )
        .model(
            ModelDef::new("order_shipping_method", "ordsm")
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
                .belongs_to("order", "order", "order_id")
                .has_many(
                    "adjustments",
                    "order_shipping_method_adjustment",
                    "shipping_method_id",
                )
                .cascade()
                .has_many(
                    "tax_lines",
                    "order_shipping_method_tax_line",
                    "shipping_method_id",
                )
                .cascade(),
        )
        .model(
            ModelDef::new("order_shipping_method_adjustment", "ordsmadj")
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
                    "order_shipping_method",
                    "shipping_method_id",
                ),
        )
        .model(
            ModelDef::new("order_shipping_method_tax_line", "ordsmtxl")
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
                    "order_shipping_method",
                    "shipping_method_id",
                ),
        )
}
