//! Order module: orders with their items (and fulfilment progress per item),
//! addresses, shipping methods, adjustments and tax lines, returns and their
//! items, and the reasons customers give for returns.

pub mod display_id;

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::{
    adjustment_model, shipping_method_model, tax_line_model, with_address_fields,
    with_line_item_fields,
};

pub fn definition() -> ModuleDef {
    ModuleDef::new("order")
        .model(
            ModelDef::new("order", "order")
                .number("display_id")
                .unique()
                // A full index too: the next display id is read from the
                // highest, deleted orders included (the unique one is partial).
                .index()
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
            ModelDef::new("order_transfer", "ordtrf")
                .text("order_id")
                .index()
                .text("customer_id")
                .text("token")
                .unique()
                .enumeration("status", ["requested", "accepted", "declined", "canceled"])
                .default("requested")
                .text("description")
                .nullable(),
        )
        .model(
            ModelDef::new("return", "return")
                .text("order_id")
                .index()
                .enumeration("status", ["requested", "received", "canceled"])
                .default("requested")
                .text("shipping_option_id")
                .nullable()
                .big_number("shipping_price")
                .nullable()
                .text("location_id")
                .nullable()
                .text("note")
                .nullable()
                .date_time("received_at")
                .nullable()
                .has_many("items", "return_item", "return_id")
                .cascade(),
        )
        .model(
            ModelDef::new("return_item", "retitem")
                .text("return_id")
                .index()
                .text("item_id")
                .number("quantity")
                .text("reason_id")
                .nullable()
                .text("note")
                .nullable(),
        )
        .model(
            ModelDef::new("return_reason", "rr")
                .text("value")
                .unique()
                .text("label")
                .searchable()
                .text("description")
                .nullable()
                .text("parent_return_reason_id")
                .nullable()
                .index()
                .json("metadata")
                .nullable()
                .belongs_to(
                    "parent_return_reason",
                    "return_reason",
                    "parent_return_reason_id",
                )
                .has_many(
                    "return_reason_children",
                    "return_reason",
                    "parent_return_reason_id",
                ),
        )
        .model(
            with_line_item_fields(ModelDef::new("order_line_item", "ordli"))
                .number("fulfilled_quantity")
                .default(0)
                .number("shipped_quantity")
                .default(0)
                .number("delivered_quantity")
                .default(0)
                .belongs_to("order", "order", "order_id")
                .has_many("adjustments", "order_line_item_adjustment", "item_id")
                .cascade()
                .has_many("tax_lines", "order_line_item_tax_line", "item_id")
                .cascade(),
        )
        .model(adjustment_model(
            "order_line_item_adjustment",
            "ordliadj",
            "item",
            "order_line_item",
            "item_id",
        ))
        .model(tax_line_model(
            "order_line_item_tax_line",
            "ordlitxl",
            "item",
            "order_line_item",
            "item_id",
        ))
        .model(
            shipping_method_model(
                "order_shipping_method",
                "ordsm",
                "order",
                "order",
                "order_id",
            )
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
        .model(adjustment_model(
            "order_shipping_method_adjustment",
            "ordsmadj",
            "shipping_method",
            "order_shipping_method",
            "shipping_method_id",
        ))
        .model(tax_line_model(
            "order_shipping_method_tax_line",
            "ordsmtxl",
            "shipping_method",
            "order_shipping_method",
            "shipping_method_id",
        ))
}
