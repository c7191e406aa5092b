//! The Admin API (`/admin`, §3): every route needs an authenticated user,
//! user session or secret API key (the caller adds [`super::admin_auth`]).

mod api_keys;
mod customer_addresses;
mod customer_groups;
mod fulfillment;
mod inventory;
mod invites;
mod orders;
mod price_lists;
mod product_options;
mod product_variants;
mod products;
mod promotions;
mod regions;
mod resource;
pub mod resources;
mod run;
mod sales_channel_products;
mod shipping_options;
mod stock_locations;
mod stores;
mod tax_regions;
mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    let plain = resources::ALL
        .iter()
        .fold(OpenApiRouter::new(), |router, resource| {
            router.merge(resource.router())
        });
    plain
        .routes(routes!(users::me))
        .routes(routes!(users::list))
        .routes(routes!(users::get, users::update, users::delete))
        .routes(routes!(invites::list, invites::create))
        .routes(routes!(invites::accept))
        .routes(routes!(invites::get, invites::delete))
        .routes(routes!(invites::resend))
        .routes(routes!(promotions::list, promotions::create))
        .routes(routes!(price_lists::list, price_lists::create))
        .routes(routes!(
            price_lists::get,
            price_lists::update,
            price_lists::delete
        ))
        .routes(routes!(price_lists::batch_prices))
        .routes(routes!(price_lists::products))
        .routes(routes!(
            promotions::get,
            promotions::update,
            promotions::delete
        ))
        .routes(routes!(promotions::batch_rules))
        .routes(routes!(promotions::batch_target_rules))
        .routes(routes!(promotions::batch_buy_rules))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(api_keys::get, api_keys::update, api_keys::delete))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(api_keys::sales_channels))
        .routes(routes!(regions::list, regions::create))
        .routes(routes!(regions::get, regions::update, regions::delete))
        .routes(routes!(stores::list))
        .routes(routes!(stores::get, stores::update))
        .routes(routes!(stock_locations::list, stock_locations::create))
        .routes(routes!(
            stock_locations::get,
            stock_locations::update,
            stock_locations::delete
        ))
        .routes(routes!(stock_locations::sales_channels))
        .routes(routes!(stock_locations::fulfillment_providers))
        .routes(routes!(stock_locations::fulfillment_sets))
        .routes(routes!(fulfillment::delete_set))
        .routes(routes!(fulfillment::create_zone))
        .routes(routes!(
            fulfillment::get_zone,
            fulfillment::update_zone,
            fulfillment::delete_zone
        ))
        .routes(routes!(
            shipping_options::list_options,
            shipping_options::create_option
        ))
        .routes(routes!(
            shipping_options::get_option,
            shipping_options::update_option,
            shipping_options::delete_option
        ))
        .routes(routes!(shipping_options::batch_option_rules))
        .routes(routes!(fulfillment::providers))
        .routes(routes!(products::list, products::create))
        .routes(routes!(products::batch))
        .routes(routes!(products::get, products::update, products::delete))
        .routes(routes!(product_variants::list, product_variants::create))
        .routes(routes!(product_variants::batch))
        .routes(routes!(
            product_variants::get,
            product_variants::update,
            product_variants::delete
        ))
        .routes(routes!(product_variants::link_inventory))
        .routes(routes!(
            product_variants::update_inventory,
            product_variants::unlink_inventory
        ))
        .routes(routes!(product_variants::list_all))
        .routes(routes!(product_options::list, product_options::create))
        .routes(routes!(
            product_options::get,
            product_options::update,
            product_options::delete
        ))
        .routes(routes!(sales_channel_products::products))
        .routes(routes!(inventory::list, inventory::create))
        .routes(routes!(
            inventory::get,
            inventory::update,
            inventory::delete
        ))
        .routes(routes!(inventory::levels, inventory::create_level))
        .routes(routes!(inventory::batch_levels))
        .routes(routes!(inventory::update_level, inventory::delete_level))
        .routes(routes!(orders::list))
        .routes(routes!(orders::get))
        .routes(routes!(orders::cancel))
        .routes(routes!(orders::fulfil))
        .routes(routes!(orders::ship))
        .routes(routes!(orders::deliver))
        .routes(routes!(orders::capture))
        .routes(routes!(tax_regions::list, tax_regions::create))
        .routes(routes!(tax_regions::get, tax_regions::delete))
        .routes(routes!(customer_groups::customers))
        .routes(routes!(
            customer_addresses::list,
            customer_addresses::create
        ))
        .routes(routes!(
            customer_addresses::get,
            customer_addresses::update,
            customer_addresses::delete
        ))
}
