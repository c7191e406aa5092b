//! The plain admin resources (issue 6): sales channels, customer groups,
//! collections, product tags and types, shipping profiles and price
//! preferences. Each family refuses a caller without credentials and a
//! customer's token with `401`, and for the admin goes through create,
//! retrieve, list with a filter, update and delete, with strict bodies
//! (`400 invalid_data` for an unknown or missing field) and a `404` for a
//! record that is gone. Every route is in `/openapi.json`.
//!
//! Then tax-inclusive prices (issue 4): a price preference making EUR prices
//! include tax turns `calculated_price` tax-inclusive, adds the amounts with
//! and without tax for a country, and makes the cart's lines carry the tax
//! inside their price.

use medusa_tests::TestPostgres;
use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

struct Family {
    path: &'static str,
    singular: &'static str,
    create: Value,
    update: Value,
    /// A list filter that finds the created record.
    filter: &'static str,
    missing_field: Value,
}

fn families(tag: &str) -> Vec<Family> {
    vec![
        Family {
            path: "/admin/sales-channels",
            singular: "sales_channel",
            create: json!({ "name": format!("Pop-up {tag}"), "description": "A market stall" }),
            update: json!({ "is_disabled": true }),
            filter: "q=Pop-up",
            missing_field: json!({ "description": "no name" }),
        },
        Family {
            path: "/admin/customer-groups",
            singular: "customer_group",
            create: json!({ "name": format!("Wholesale {tag}") }),
            update: json!({ "metadata": { "tier": 2 } }),
            filter: "q=Wholesale",
            missing_field: json!({ "metadata": {} }),
        },
        Family {
            path: "/admin/collections",
            singular: "collection",
            create: json!({ "title": format!("Winter {tag}") }),
            update: json!({ "title": "Winter Warmers" }),
            filter: "q=Winter",
            missing_field: json!({ "handle": "no-title" }),
        },
        Family {
            path: "/admin/product-tags",
            singular: "product_tag",
            create: json!({ "value": format!("organic-{tag}") }),
            update: json!({ "value": format!("bio-{tag}") }),
            filter: "q=organic",
            missing_field: json!({}),
        },
        Family {
            path: "/admin/product-types",
            singular: "product_type",
            create: json!({ "value": format!("Gadget {tag}") }),
            update: json!({ "metadata": { "fragile": true } }),
            filter: "q=gadget",
            missing_field: json!({ "metadata": {} }),
        },
        Family {
            path: "/admin/shipping-profiles",
            singular: "shipping_profile",
            create: json!({ "name": format!("Bulky {tag}"), "type": "custom" }),
            update: json!({ "name": format!("Oversized {tag}") }),
            filter: "type=custom",
            missing_field: json!({ "name": "no type" }),
        },
        Family {
            path: "/admin/product-categories",
            singular: "product_category",
            create: json!({ "name": format!("Outerwear {tag}"), "is_active": true }),
            update: json!({ "description": "Coats and jackets" }),
            filter: "q=outerwear",
            missing_field: json!({ "description": "no name" }),
        },
        Family {
            path: "/admin/customers",
            singular: "customer",
            create: json!({ "email": format!("walk-in-{tag}@shop.example"), "first_name": "Walk" }),
            update: json!({ "company_name": "Walk Inc" }),
            filter: "q=walk-in",
            missing_field: json!({ "email": "not-an-email" }),
        },
        Family {
            path: "/admin/campaigns",
            singular: "campaign",
            create: json!({ "name": format!("Spring {tag}"), "campaign_identifier": format!("spring-{tag}") }),
            update: json!({ "description": "Spring sale" }),
            filter: "q=spring",
            missing_field: json!({ "name": "no identifier" }),
        },
        Family {
            path: "/admin/price-preferences",
            singular: "price_preference",
            create: json!({ "attribute": "currency_code", "value": "DKK", "is_tax_inclusive": true }),
            update: json!({ "is_tax_inclusive": false }),
            filter: "attribute=currency_code",
            missing_field: json!({ "attribute": "region_id" }),
        },
    ]
}

async fn round_trip(store: &DemoStore, admin: &str, customer: &str, family: &Family) {
    let path = family.path;
    for (who, token) in [("nobody", None), ("a customer", Some(customer))] {
        let (status, body) = match token {
            Some(t) => store.get_as(path, t).await,
            None => store.get(path).await,
        };
        assert_eq!(
            (status, body),
            (401, json!({ "message": "Unauthorized" })),
            "{who} lists {path}"
        );
        let (status, _) = match token {
            Some(t) => store.post_as(path, family.create.clone(), t).await,
            None => store.post(path, family.create.clone()).await,
        };
        assert_eq!(status, 401, "{who} creates on {path}");
    }

    let (status, created) = store.post_as(path, family.create.clone(), admin).await;
    assert_eq!(status, 200, "create {path}: {created}");
    let record = &created[family.singular];
    let id = record["id"].as_str().expect("id").to_owned();
    for (key, value) in family.create.as_object().unwrap() {
        if key != "value" || family.singular != "price_preference" {
            assert_eq!(&record[key], value, "{path} created {key}");
        }
    }

    let (status, got) = store.get_as(&format!("{path}/{id}"), admin).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got[family.singular]["id"], json!(id));

    let separator = if family.filter.is_empty() { "" } else { "&" };
    let (status, listed) = store
        .get_as(
            &format!("{path}?{}{separator}limit=100", family.filter),
            admin,
        )
        .await;
    assert_eq!(status, 200, "{listed}");
    let plural = listed
        .as_object()
        .unwrap()
        .keys()
        .find(|k| !["count", "offset", "limit"].contains(&k.as_str()))
        .unwrap()
        .clone();
    assert!(
        listed[&plural]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == json!(id)),
        "{path}?{} lists the new record: {listed}",
        family.filter
    );

    let (status, updated) = store
        .post_as(&format!("{path}/{id}"), family.update.clone(), admin)
        .await;
    assert_eq!(status, 200, "update {path}: {updated}");
    for (key, value) in family.update.as_object().unwrap() {
        assert_eq!(
            &updated[family.singular][key], value,
            "{path} updated {key}"
        );
    }

    let (status, body) = store
        .post_as(path, json!({ "not_a_field": 1 }), admin)
        .await;
    assert_eq!(
        (status, body["type"].clone()),
        (400, json!("invalid_data")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("not_a_field"),
        "{body}"
    );
    let (status, body) = store
        .post_as(path, family.missing_field.clone(), admin)
        .await;
    assert_eq!(
        (status, body["type"].clone()),
        (400, json!("invalid_data")),
        "{path} without a required field: {body}"
    );

    let (status, deleted) = store.delete_as(&format!("{path}/{id}"), admin).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(
        deleted,
        json!({ "id": id, "object": family.singular, "deleted": true })
    );
    let (status, gone) = store.get_as(&format!("{path}/{id}"), admin).await;
    assert_eq!(
        (status, gone["type"].clone()),
        (404, json!("not_found")),
        "{gone}"
    );
    let (status, _) = store
        .post_as(&format!("{path}/{id}"), family.update.clone(), admin)
        .await;
    assert_eq!(status, 404, "updating a deleted record");
}

async fn plain_resources(store: &DemoStore) {
    let admin = store.admin_token().await;
    let customer = store.customer_token().await;
    let tag = ulid::Ulid::new().to_string().to_lowercase();
    for family in families(&tag[20..]) {
        round_trip(store, &admin, &customer, &family).await;
    }
    let (_, spec) = store.get("/openapi.json").await;
    for path in [
        "/admin/sales-channels",
        "/admin/sales-channels/{id}",
        "/admin/price-preferences/{id}",
        "/admin/product-types",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
    // A created collection gets a handle from its title.
    let (_, created) = store
        .post_as(
            "/admin/collections",
            json!({ "title": "Rainy Days" }),
            &admin,
        )
        .await;
    assert_eq!(created["collection"]["handle"], "rainy-days", "{created}");
}

#[tokio::test]
async fn plain_admin_resources_on_sqlite() {
    plain_resources(&DemoStore::start(None).await).await;
}

#[tokio::test]
async fn plain_admin_resources_on_postgres() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    plain_resources(&DemoStore::start(Some(pg)).await).await;
}

async fn hoodie(store: &DemoStore, query: &str) -> Value {
    let (status, body) = store
        .get(&format!("/store/products?handle=hoodie&{query}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["products"][0]["variants"][0].clone()
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-6)
}

#[tokio::test]
async fn a_tax_inclusive_currency_includes_tax_in_prices_and_cart_lines() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let region = store.region("eur").await;
    let region_id = region["id"].as_str().unwrap();
    let in_germany = format!("region_id={region_id}&country_code=de");

    let before = hoodie(&store, &in_germany).await["calculated_price"].clone();
    assert_eq!(before["calculated_amount"], json!(45), "{before}");
    assert_eq!(before["is_calculated_price_tax_inclusive"], json!(false));
    assert!(
        close(&before["calculated_amount_with_tax"], 45.0 * 1.19),
        "{before}"
    );
    assert!(
        close(&before["calculated_amount_without_tax"], 45.0),
        "{before}"
    );
    let no_country = hoodie(&store, &format!("region_id={region_id}")).await;
    assert!(
        no_country["calculated_price"]
            .get("calculated_amount_with_tax")
            .is_none(),
        "no country, no tax amounts"
    );

    let (status, created) = store
        .post_as(
            "/admin/price-preferences",
            json!({ "attribute": "currency_code", "value": "eur", "is_tax_inclusive": true }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{created}");

    let variant = hoodie(&store, &in_germany).await;
    let after = &variant["calculated_price"];
    assert_eq!(after["calculated_amount"], json!(45), "{after}");
    assert_eq!(after["is_calculated_price_tax_inclusive"], json!(true));
    assert_eq!(after["is_original_price_tax_inclusive"], json!(true));
    assert!(close(&after["calculated_amount_with_tax"], 45.0), "{after}");
    assert!(
        close(&after["calculated_amount_without_tax"], 45.0 / 1.19),
        "{after}"
    );

    let cart = store
        .ok(
            "/store/carts",
            json!({ "region_id": region_id, "items": [{ "variant_id": variant["id"], "quantity": 2 }] }),
        )
        .await;
    let cart_id = cart["cart"]["id"].as_str().unwrap();
    let cart = store
        .ok(
            &format!("/store/carts/{cart_id}"),
            json!({ "shipping_address": { "country_code": "de", "city": "Berlin", "address_1": "Street 1" } }),
        )
        .await;
    let item = &cart["cart"]["items"][0];
    assert_eq!(item["is_tax_inclusive"], json!(true), "{item}");
    assert_eq!(item["unit_price"], json!(45));
    assert_eq!(item["tax_lines"][0]["rate"], json!(19.0), "{item}");
    assert!(close(&item["total"], 90.0), "{item}");
    assert!(close(&item["subtotal"], 90.0 / 1.19), "{item}");
    assert!(close(&item["tax_total"], 90.0 - 90.0 / 1.19), "{item}");
    assert!(close(&cart["cart"]["item_total"], 90.0), "{}", cart["cart"]);

    // Shipping options in EUR include tax now too, and so does the method.
    let (_, options) = store
        .get(&format!("/store/shipping-options?cart_id={cart_id}"))
        .await;
    let option = &options["shipping_options"][0];
    assert_eq!(option["is_tax_inclusive"], json!(true), "{option}");
    let cart = store
        .ok(
            &format!("/store/carts/{cart_id}/shipping-methods"),
            json!({ "option_id": option["id"] }),
        )
        .await;
    let method = &cart["cart"]["shipping_methods"][0];
    assert_eq!(method["is_tax_inclusive"], json!(true), "{method}");
    assert!(
        close(&method["total"], option["amount"].as_f64().unwrap()),
        "{method}"
    );
    let expected_total = 90.0 + option["amount"].as_f64().unwrap();
    assert!(
        close(&cart["cart"]["total"], expected_total),
        "{}",
        cart["cart"]
    );

    // The US (no preference for USD) stays tax-exclusive.
    let usd = store.region("usd").await;
    let us = hoodie(
        &store,
        &format!("region_id={}", usd["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        us["calculated_price"]["is_calculated_price_tax_inclusive"],
        json!(false)
    );
}

#[tokio::test]
async fn tax_regions_carry_their_rates() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let (status, canada) = store
        .post_as(
            "/admin/tax-regions",
            json!({ "country_code": "CA", "default_tax_rate": { "rate": 5, "code": "GST", "name": "GST" } }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{canada}");
    let canada_id = canada["tax_region"]["id"].as_str().unwrap().to_owned();
    assert_eq!(canada["tax_region"]["country_code"], "ca");
    assert_eq!(canada["tax_region"]["tax_rates"][0]["rate"], json!(5.0));
    assert_eq!(
        canada["tax_region"]["tax_rates"][0]["is_default"],
        json!(true)
    );
    let (status, again) = store
        .post_as(
            "/admin/tax-regions",
            json!({ "country_code": "ca" }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "{again}");
    let (status, quebec) = store
        .post_as(
            "/admin/tax-regions",
            json!({ "country_code": "ca", "province_code": "ca-qc" }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{quebec}");
    assert_eq!(quebec["tax_region"]["parent_id"], json!(canada_id));
    let quebec_id = quebec["tax_region"]["id"].as_str().unwrap();
    let (status, rate) = store
        .post_as(
            "/admin/tax-rates",
            json!({ "tax_region_id": quebec_id, "rate": 9.975, "code": "QST", "name": "QST", "is_default": true }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{rate}");
    let (_, listed) = store
        .get_as("/admin/tax-regions?country_code=ca", &admin)
        .await;
    assert_eq!(listed["count"], json!(2), "{listed}");
    let (status, gone) = store
        .delete_as(&format!("/admin/tax-regions/{canada_id}"), &admin)
        .await;
    assert_eq!(status, 200, "{gone}");
    let (_, rates) = store
        .get_as(
            &format!("/admin/tax-rates?tax_region_id={canada_id}"),
            &admin,
        )
        .await;
    assert_eq!(
        rates["count"],
        json!(0),
        "a region's rates go with it: {rates}"
    );
}

#[tokio::test]
async fn an_admin_promotion_discounts_a_storefront_cart() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    for (bad, why) in [
        (
            json!({ "code": "X1", "application_method": { "type": "fixed", "target_type": "items", "value": 5 } }),
            "a fixed amount needs a currency",
        ),
        (
            json!({ "code": "X2", "application_method": { "type": "percentage", "value": 150 } }),
            "more than 100%",
        ),
        (
            json!({ "code": "X3", "type": "buyget", "application_method": { "type": "percentage", "value": 10 } }),
            "buy-get promotions are not applied yet",
        ),
        (json!({ "code": "X4" }), "no application method"),
    ] {
        let (status, body) = store.post_as("/admin/promotions", bad, &admin).await;
        assert_eq!(
            (status, body["type"].clone()),
            (400, json!("invalid_data")),
            "{why}: {body}"
        );
    }
    let (status, created) = store
        .post_as(
            "/admin/promotions",
            json!({
                "code": "ADMIN15", "type": "standard",
                "application_method": { "type": "percentage", "target_type": "items", "allocation": "across", "value": 15 },
                "campaign": { "name": "Launch", "campaign_identifier": "launch-2026", "budget": { "type": "usage", "limit": 100 } }
            }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let promotion = &created["promotion"];
    assert_eq!(
        promotion["application_method"]["value"],
        json!(15),
        "{promotion}"
    );
    assert_eq!(
        promotion["campaign"]["budget"]["limit"],
        json!(100.0),
        "{promotion}"
    );
    let id = promotion["id"].as_str().unwrap().to_owned();
    let (status, twice) = store
        .post_as(
            "/admin/promotions",
            json!({ "code": "ADMIN15", "application_method": { "type": "percentage", "value": 5 } }),
            &admin,
        )
        .await;
    assert_eq!(status, 422, "a taken code: {twice}");

    let region = store.region("eur").await;
    let (_, products) = store.get("/store/products?handle=hoodie").await;
    let variant = products["products"][0]["variants"][0]["id"].clone();
    let cart = store
        .ok(
            "/store/carts",
            json!({ "region_id": region["id"], "items": [{ "variant_id": variant, "quantity": 2 }] }),
        )
        .await;
    let cart_id = cart["cart"]["id"].as_str().unwrap();
    let discounted = store
        .ok(
            &format!("/store/carts/{cart_id}/promotions"),
            json!({ "promo_codes": ["ADMIN15"] }),
        )
        .await;
    assert_eq!(
        discounted["cart"]["discount_subtotal"],
        json!(13.5),
        "{}",
        discounted["cart"]
    );

    let (status, paused) = store
        .post_as(
            &format!("/admin/promotions/{id}"),
            json!({ "status": "inactive" }),
            &admin,
        )
        .await;
    assert_eq!(
        (status, paused["promotion"]["status"].clone()),
        (200, json!("inactive"))
    );
    let (status, deleted) = store
        .delete_as(&format!("/admin/promotions/{id}"), &admin)
        .await;
    assert_eq!(status, 200, "{deleted}");
    let (_, listed) = store.get_as("/admin/promotions?q=ADMIN", &admin).await;
    assert_eq!(listed["count"], json!(0), "{listed}");
}

#[tokio::test]
async fn an_admin_price_list_puts_a_product_on_sale() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let region = store.region("eur").await;
    let in_europe = format!("region_id={}", region["id"].as_str().unwrap());
    let variant = hoodie(&store, &in_europe).await;
    let variant_id = variant["id"].as_str().unwrap().to_owned();

    let (status, missing) = store
        .post_as(
            "/admin/price-lists",
            json!({ "title": "Ghost", "prices": [{ "variant_id": "variant_missing", "currency_code": "eur", "amount": 1 }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "{missing}");
    let (_, lists) = store.get_as("/admin/price-lists?q=Ghost", &admin).await;
    assert_eq!(
        lists["count"],
        json!(0),
        "a refused list leaves nothing: {lists}"
    );

    let (status, created) = store
        .post_as(
            "/admin/price-lists",
            json!({ "title": "Winter sale", "description": "Hoodies", "status": "active", "type": "sale",
                    "prices": [{ "variant_id": variant_id, "currency_code": "EUR", "amount": 30 }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let list_id = created["price_list"]["id"].as_str().unwrap().to_owned();
    let price_id = created["price_list"]["prices"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let on_sale = hoodie(&store, &in_europe).await["calculated_price"].clone();
    assert_eq!(on_sale["calculated_amount"], json!(30), "{on_sale}");
    assert_eq!(on_sale["original_amount"], json!(45));
    assert_eq!(on_sale["calculated_price"]["price_list_type"], "sale");

    let (status, batch) = store
        .post_as(
            &format!("/admin/price-lists/{list_id}/prices/batch"),
            json!({ "update": [{ "id": price_id, "amount": 25 }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{batch}");
    let cheaper = hoodie(&store, &in_europe).await["calculated_price"].clone();
    assert_eq!(cheaper["calculated_amount"], json!(25), "{cheaper}");

    let (status, _) = store
        .post_as(
            &format!("/admin/price-lists/{list_id}"),
            json!({ "status": "draft" }),
            &admin,
        )
        .await;
    assert_eq!(status, 200);
    let paused = hoodie(&store, &in_europe).await["calculated_price"].clone();
    assert_eq!(
        paused["calculated_amount"],
        json!(45),
        "a draft list sells nothing: {paused}"
    );
    let (status, _) = store
        .delete_as(&format!("/admin/price-lists/{list_id}"), &admin)
        .await;
    assert_eq!(status, 200);
    let (status, gone) = store
        .get_as(&format!("/admin/price-lists/{list_id}"), &admin)
        .await;
    assert_eq!(status, 404, "{gone}");
}
