//! Fulfillment module: fulfillment sets (shipping or pickup), their service
//! zones and geo zones, shipping profiles, shipping options with their type
//! and rules, providers (`manual_manual`), and fulfillments.

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::with_address_fields;

pub fn definition() -> ModuleDef {
    ModuleDef::new("fulfillment")
        .model(
            ModelDef::new("fulfillment_set", "fuset")
                .text("name")
                .unique()
                .enumeration("type", ["shipping", "pickup"])
                .default("shipping")
                .json("metadata")
                .nullable()
                .has_many("service_zones", "service_zone", "fulfillment_set_id")
                .cascade(),
        )
        .model(
            ModelDef::new("service_zone", "serzo")
                .text("name")
                .json("metadata")
                .nullable()
                .belongs_to("fulfillment_set", "fulfillment_set", "fulfillment_set_id")
                .has_many("geo_zones", "geo_zone", "service_zone_id")
                .cascade()
                .has_many("shipping_options", "shipping_option", "service_zone_id")
                .cascade(),
        )
        .model(
            ModelDef::new("geo_zone", "fgz")
                .enumeration("type", ["country", "province", "city", "zip"])
                .default("country")
                .text("country_code")
                .text("province_code")
                .nullable()
                .text("city")
                .nullable()
                .json("postal_expression")
                .nullable()
                .json("metadata")
                .nullable()
                .belongs_to("service_zone", "service_zone", "service_zone_id"),
        )
        .model(
            ModelDef::new("shipping_profile", "sp")
                .text("name")
                .unique()
                .text("type")
                .default("default")
                .json("metadata")
                .nullable(),
        )
        .model(
            ModelDef::new("fulfillment_provider", "fulprov")
                .boolean("is_enabled")
                .default(true),
        )
        .model(
            ModelDef::new("shipping_option", "so")
                .text("name")
                .searchable()
                .enumeration("price_type", ["flat", "calculated"])
                .default("flat")
                .text("shipping_profile_id")
                .nullable()
                .index()
                .text("provider_id")
                .nullable()
                .json("data")
                .nullable()
                .json("metadata")
                .nullable()
                .belongs_to("service_zone", "service_zone", "service_zone_id")
                .belongs_to(
                    "shipping_profile",
                    "shipping_profile",
                    "shipping_profile_id",
                )
                .belongs_to("provider", "fulfillment_provider", "provider_id")
                .has_one("type", "shipping_option_type", "shipping_option_id")
                .cascade()
                .has_many("rules", "shipping_option_rule", "shipping_option_id")
                .cascade(),
        )
        .model(
            ModelDef::new("shipping_option_type", "sotype")
                .text("label")
                .text("description")
                .default("")
                .text("code")
                .belongs_to("shipping_option", "shipping_option", "shipping_option_id"),
        )
        .model(
            ModelDef::new("shipping_option_rule", "sorul")
                .text("attribute")
                .text("operator")
                .default("eq")
                .json("value")
                .nullable()
                .belongs_to("shipping_option", "shipping_option", "shipping_option_id"),
        )
        .model(
            ModelDef::new("fulfillment", "ful")
                .text("location_id")
                .text("provider_id")
                .nullable()
                .text("shipping_option_id")
                .nullable()
                .text("delivery_address_id")
                .nullable()
                .date_time("packed_at")
                .nullable()
                .date_time("shipped_at")
                .nullable()
                .date_time("delivered_at")
                .nullable()
                .date_time("canceled_at")
                .nullable()
                .json("data")
                .nullable()
                .json("metadata")
                .nullable()
                .has_many("items", "fulfillment_item", "fulfillment_id")
                .cascade()
                .belongs_to(
                    "delivery_address",
                    "fulfillment_address",
                    "delivery_address_id",
                ),
        )
        .model(
            ModelDef::new("fulfillment_item", "fulit")
                .text("title")
                .text("sku")
                .default("")
                .number("quantity")
                .text("line_item_id")
                .nullable()
                .text("inventory_item_id")
                .nullable()
                .belongs_to("fulfillment", "fulfillment", "fulfillment_id"),
        )
        .model(with_address_fields(ModelDef::new(
            "fulfillment_address",
            "fuladdr",
        )))
}
