//! The links between core modules (Medusa's `defineLink`s): each joins
//! models of two modules through a link table, so neither imports the other.

use serde_json::json;

use crate::framework::dml::{FieldKind, LinkDef, LinkSide};

fn side(module: &str, model: &str) -> LinkSide {
    LinkSide::new(module, model)
}

/// Every core link.
pub fn definitions() -> Vec<LinkDef> {
    vec![
        // A product is sold in many channels; a channel sells many products.
        LinkDef::new(
            side("product", "product").list(),
            side("sales_channel", "sales_channel").list(),
        ),
        // A publishable key scopes requests to its channels.
        LinkDef::new(
            side("api_key", "api_key").list(),
            side("sales_channel", "sales_channel").list(),
        ),
        // Each variant has one price set.
        LinkDef::new(
            side("product", "product_variant"),
            side("pricing", "price_set").alias("price_set"),
        ),
        // Each variant is stocked through inventory items, `required_quantity`
        // of each per unit sold (a bundle takes several).
        LinkDef::new(
            side("product", "product_variant")
                .list()
                .alias("variants")
                .row_field("variant")
                .column_name("variant_id"),
            side("inventory", "inventory_item")
                .list()
                .alias("inventory_items")
                .row_field("inventory"),
        )
        .extra_column("required_quantity", FieldKind::Number, Some(json!(1))),
        // Products ship under a profile.
        LinkDef::new(
            side("product", "product").list(),
            side("fulfillment", "shipping_profile").alias("shipping_profile"),
        ),
        // Channels ship from stock locations.
        LinkDef::new(
            side("sales_channel", "sales_channel").list(),
            side("stock_location", "stock_location")
                .list()
                .alias("stock_locations"),
        ),
        // Stock locations ship through fulfillment sets.
        LinkDef::new(
            side("stock_location", "stock_location"),
            side("fulfillment", "fulfillment_set")
                .list()
                .alias("fulfillment_sets"),
        ),
        // A stock location ships with the fulfillment providers it has.
        LinkDef::new(
            side("stock_location", "stock_location").list(),
            side("fulfillment", "fulfillment_provider")
                .list()
                .alias("fulfillment_providers"),
        ),
        // Shipping options are priced through a price set.
        LinkDef::new(
            side("fulfillment", "shipping_option"),
            side("pricing", "price_set").alias("shipping_price_set"),
        ),
        // Regions accept payment providers.
        LinkDef::new(
            side("region", "region").list(),
            side("payment", "payment_provider")
                .list()
                .alias("payment_providers"),
        ),
        // A cart (and then its order) is paid through a payment collection.
        LinkDef::new(
            side("cart", "cart"),
            side("payment", "payment_collection").alias("payment_collection"),
        ),
        LinkDef::new(
            side("order", "order"),
            side("payment", "payment_collection")
                .list()
                .alias("payment_collections"),
        ),
        // The cart an order was placed from.
        LinkDef::new(
            side("order", "order").alias("order"),
            side("cart", "cart").alias("cart"),
        ),
        // Promotions applied to carts and orders.
        LinkDef::new(
            side("cart", "cart").list(),
            side("promotion", "promotion").list().alias("promotions"),
        ),
        LinkDef::new(
            side("order", "order").list(),
            side("promotion", "promotion").list().alias("promotions"),
        ),
        // Orders are fulfilled through fulfillments.
        LinkDef::new(
            side("order", "order"),
            side("fulfillment", "fulfillment")
                .list()
                .alias("fulfillments"),
        ),
    ]
}
