//! Native commerce modules. Each folder owns its tables and never imports
//! another module's folder; flows compose them, links join them.
//! `common` and `totals` are shared vocabulary, not modules.

pub mod api_key;
pub mod auth;
pub mod cart;
pub mod common;
pub mod currency;
pub mod customer;
pub mod fulfillment;
pub mod inventory;
pub mod order;
pub mod payment;
pub mod pricing;
pub mod product;
pub mod promotion;
pub mod region;
pub mod sales_channel;
pub mod stock_location;
pub mod store;
pub mod tax;
pub mod totals;
pub mod user;

use crate::framework::dml::ModuleDef;

/// Every native module's data models.
pub fn definitions() -> Vec<ModuleDef> {
    vec![
        store::definition(),
        currency::definition(),
        region::definition(),
        sales_channel::definition(),
        api_key::definition(),
        product::definition(),
        pricing::definition(),
        inventory::definition(),
        stock_location::definition(),
        fulfillment::definition(),
        tax::definition(),
        customer::definition(),
        cart::definition(),
        payment::definition(),
        order::definition(),
        promotion::definition(),
    ]
}
