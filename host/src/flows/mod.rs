//! Core flows: writes that compose several modules, as workflows on the
//! framework's engine (compensated on failure, journaled, emitting events).

pub mod api_keys;
pub mod cart;
pub mod create_admin_user;
pub mod crud;
pub mod customer;
pub mod customer_addresses;
pub mod customer_groups;
pub mod inventory_levels;
pub mod invites;
pub mod link_batch;
pub mod locations;
pub mod orders;
pub mod preferences;
pub mod price_lists;
pub mod product_common;
pub mod product_options;
pub mod product_variants;
pub mod products;
pub mod promotions;
pub mod regions;
pub mod shipping_options;
pub mod stores;
pub mod tax_regions;

use crate::framework::workflows::WorkflowEngine;

/// Registers every core workflow with `engine`.
pub fn register(engine: &WorkflowEngine) {
    for workflow in cart::workflows()
        .into_iter()
        .chain(customer::workflows())
        .chain(customer_addresses::workflows())
        .chain(api_keys::workflows())
        .chain(crud::workflows())
        .chain(regions::workflows())
        .chain(stores::workflows())
        .chain(link_batch::workflows())
        .chain(locations::workflows())
        .chain(shipping_options::workflows())
        .chain(products::workflows())
        .chain(product_variants::workflows())
        .chain(product_options::workflows())
        .chain(inventory_levels::workflows())
        .chain(orders::workflows())
        .chain(tax_regions::workflows())
        .chain(customer_groups::workflows())
        .chain(invites::workflows())
        .chain(promotions::workflows())
        .chain(price_lists::workflows())
    {
        engine.register(workflow);
    }
}
