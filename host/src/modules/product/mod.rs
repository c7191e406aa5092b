//! Product module: products, variants, options and their values, images,
//! tags, types, collections and nested categories.

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::with_shipping_details;

/// Dimensions and customs data, on products and (overriding them) variants.
pub fn definition() -> ModuleDef {
    ModuleDef::new("product")
        .model(
            ModelDef::new("product", "prod")
                .text("title")
                .searchable()
                .text("handle")
                .unique()
                .text("subtitle")
                .nullable()
                .text("description")
                .nullable()
                .searchable()
                .boolean("is_giftcard")
                .default(false)
                .enumeration("status", ["draft", "proposed", "published", "rejected"])
                .default("draft")
                .text("thumbnail")
                .nullable()
                .with(with_shipping_details)
                .boolean("discountable")
                .default(true)
                .text("external_id")
                .nullable()
                .json("metadata")
                .nullable()
                .text("collection_id")
                .nullable()
                .index()
                .text("type_id")
                .nullable()
                .index()
                .belongs_to("collection", "product_collection", "collection_id")
                .belongs_to("type", "product_type", "type_id")
                .has_many("variants", "product_variant", "product_id")
                .cascade()
                .has_many("options", "product_option", "product_id")
                .cascade()
                .has_many("images", "product_image", "product_id")
                .cascade()
                .many_to_many("tags", "product_tag", "product_tags")
                .many_to_many("categories", "product_category", "product_category_product"),
        )
        .model(
            ModelDef::new("product_variant", "variant")
                .text("title")
                .searchable()
                .text("sku")
                .nullable()
                .unique()
                .text("barcode")
                .nullable()
                .text("ean")
                .nullable()
                .text("upc")
                .nullable()
                .boolean("allow_backorder")
                .default(false)
                .boolean("manage_inventory")
                .default(true)
                .with(with_shipping_details)
                .number("variant_rank")
                .default(0)
                .json("metadata")
                .nullable()
                .belongs_to("product", "product", "product_id")
                .many_to_many("options", "product_option_value", "product_variant_option"),
        )
        .model(
            ModelDef::new("product_option", "opt")
                .text("title")
                .json("metadata")
                .nullable()
                .belongs_to("product", "product", "product_id")
                .has_many("values", "product_option_value", "option_id")
                .cascade(),
        )
        .model(
            ModelDef::new("product_option_value", "optval")
                .text("value")
                .json("metadata")
                .nullable()
                .belongs_to("option", "product_option", "option_id"),
        )
        .model(
            ModelDef::new("product_image", "img")
                .text("url")
                .number("rank")
                .default(0)
                .json("metadata")
                .nullable()
                .belongs_to("product", "product", "product_id"),
        )
        .model(
            ModelDef::new("product_tag", "ptag")
                .text("value")
                .unique()
                .searchable()
                .json("metadata")
                .nullable(),
        )
        .model(
            ModelDef::new("product_type", "ptyp")
                .text("value")
                .unique()
                .searchable()
                .json("metadata")
                .nullable(),
        )
        .model(
            ModelDef::new("product_collection", "pcol")
                .text("title")
                .searchable()
                .text("handle")
                .unique()
                .json("metadata")
                .nullable()
                .has_many("products", "product", "collection_id"),
        )
        .model(
            ModelDef::new("product_category", "pcat")
                .text("name")
                .searchable()
                .text("description")
                .default("")
                .text("handle")
                .unique()
                .text("mpath")
                .default("")
                .boolean("is_active")
                .default(false)
                .boolean("is_internal")
                .default(false)
                .number("rank")
                .default(0)
                .text("parent_category_id")
                .nullable()
                .index()
                .json("metadata")
                .nullable()
                .belongs_to("parent_category", "product_category", "parent_category_id")
                .has_many(
                    "category_children",
                    "product_category",
                    "parent_category_id",
                )
                .many_to_many("products", "product", "product_category_product"),
        )
}
