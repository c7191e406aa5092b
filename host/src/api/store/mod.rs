//! The Store API (`/store`): every route needs a publishable key (§1.2).

mod carts;
mod catalog;
mod checkout;
mod customers;
pub mod orders;
mod products;
mod returns;
mod transfers;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

/// The catalogue reads a storefront repeats on every page: the caller puts
/// them behind the response cache.
pub fn catalogue_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalog::list_regions))
        .routes(routes!(catalog::get_region))
        .routes(routes!(catalog::list_currencies))
        .routes(routes!(catalog::get_currency))
        .routes(routes!(catalog::list_collections))
        .routes(routes!(catalog::get_collection))
        .routes(routes!(catalog::list_categories))
        .routes(routes!(catalog::get_category))
        .routes(routes!(products::list_products))
        .routes(routes!(products::get_product))
        .routes(routes!(products::list_variants))
        .routes(routes!(products::get_variant))
}

/// Every other `/store` route (the publishable-key check is added by the caller).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalog::list_return_reasons))
        .routes(routes!(catalog::get_return_reason))
        .routes(routes!(carts::create))
        .routes(routes!(carts::get, carts::update))
        .routes(routes!(carts::transfer))
        .routes(routes!(carts::taxes))
        .routes(routes!(carts::add_promotions, carts::remove_promotions))
        .routes(routes!(carts::add_line))
        .routes(routes!(carts::update_line, carts::delete_line))
        .routes(routes!(carts::add_shipping_method))
        .routes(routes!(carts::complete))
        .routes(routes!(checkout::list_shipping_options))
        .routes(routes!(checkout::calculate_shipping_option))
        .routes(routes!(checkout::list_payment_providers))
        .routes(routes!(checkout::create_payment_collection))
        .routes(routes!(checkout::create_payment_session))
        .routes(routes!(customers::register))
        .routes(routes!(customers::me, customers::update_me))
        .routes(routes!(
            customers::list_addresses,
            customers::create_address
        ))
        .routes(routes!(
            customers::get_address,
            customers::update_address,
            customers::delete_address
        ))
        .routes(routes!(orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(returns::create))
        .routes(routes!(transfers::request))
        .routes(routes!(transfers::accept))
        .routes(routes!(transfers::decline))
        .routes(routes!(transfers::cancel))
}
