//! Promotion conditions (issues 4 and 6), over HTTP against the demo store:
//! a code whose `target_rules` limit it to one category discounts only
//! those lines, and whose `rules` limit it to EUR carts gives nothing in
//! USD; an automatic promotion for a customer group applies by itself to a
//! member's cart (and shows in `cart.promotions`) but not to a guest's; a
//! rule batch that adds an unmet condition takes it away again, and
//! removing the rule brings it back. Bad rules get a `400`.

use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

fn num(v: &Value) -> f64 {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(f64::NAN)
}

/// `(product id, first variant id, category ids)` of every demo product.
async fn catalogue(store: &DemoStore, admin: &str) -> Vec<(String, String, Vec<String>)> {
    let (status, body) = store
        .get_as(
            "/admin/products?limit=50&fields=id,*categories,*variants",
            admin,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["variants"][0]["id"].as_str().unwrap().to_owned(),
                p["categories"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c["id"].as_str().map(str::to_owned))
                    .collect(),
            )
        })
        .collect()
}

fn discount_on(cart: &Value, variant: &str) -> f64 {
    cart["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["variant_id"] == variant)
        .map(|i| {
            i["adjustments"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| num(&a["amount"]))
                .sum()
        })
        .unwrap_or(f64::NAN)
}

fn codes(cart: &Value) -> Vec<String> {
    cart["promotions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["code"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn rules_decide_which_carts_and_lines_a_promotion_discounts() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let products = catalogue(&store, &admin).await;
    let (_, in_variant, categories) = products
        .iter()
        .find(|(_, _, c)| !c.is_empty())
        .expect("a product with a category")
        .clone();
    let category = categories[0].clone();
    let (_, out_variant, _) = products
        .iter()
        .find(|(_, _, c)| !c.contains(&category))
        .expect("a product outside that category")
        .clone();

    // A code for one category, in EUR carts only.
    let (status, created) = store
        .post_as(
            "/admin/promotions",
            json!({
                "code": "CATEGORY20", "type": "standard", "status": "active",
                "rules": [{ "attribute": "currency_code", "operator": "eq", "values": "eur" }],
                "application_method": {
                    "type": "percentage", "target_type": "items", "allocation": "across", "value": 20,
                    "target_rules": [{ "attribute": "items.product.categories.id", "operator": "in", "values": [category] }],
                },
            }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let promotion = &created["promotion"];
    assert_eq!(promotion["rules"][0]["attribute"], "currency_code");
    assert_eq!(promotion["rules"][0]["values"], json!([{ "value": "eur" }]));
    assert_eq!(
        promotion["application_method"]["target_rules"][0]["values"],
        json!([{ "value": category }])
    );

    let eur = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let usd = store.region("usd").await["id"].as_str().unwrap().to_owned();
    let items = json!([{ "variant_id": in_variant, "quantity": 1 }, { "variant_id": out_variant, "quantity": 1 }]);
    let cart = store
        .ok("/store/carts", json!({ "region_id": eur, "items": items }))
        .await["cart"]
        .clone();
    let id = cart["id"].as_str().unwrap();
    let cart = store
        .ok(
            &format!("/store/carts/{id}"),
            json!({ "promo_codes": ["CATEGORY20"] }),
        )
        .await["cart"]
        .clone();
    let line = cart["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["variant_id"] == in_variant.as_str())
        .unwrap();
    let expected = num(&line["subtotal"]) * 0.2;
    assert!(
        (discount_on(&cart, &in_variant) - expected).abs() < 1e-6,
        "{cart}"
    );
    assert_eq!(
        discount_on(&cart, &out_variant),
        0.0,
        "outside the category"
    );

    let dollars = store
        .ok("/store/carts", json!({ "region_id": usd, "items": items }))
        .await["cart"]
        .clone();
    let id = dollars["id"].as_str().unwrap();
    let dollars = store
        .ok(
            &format!("/store/carts/{id}"),
            json!({ "promo_codes": ["CATEGORY20"] }),
        )
        .await["cart"]
        .clone();
    assert_eq!(
        num(&dollars["discount_total"]),
        0.0,
        "not a EUR cart: {dollars}"
    );

    // An automatic promotion for a customer group.
    let (status, group) = store
        .post_as(
            "/admin/customer-groups",
            json!({ "name": "Rule test VIPs" }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{group}");
    let group = group["customer_group"]["id"].as_str().unwrap().to_owned();
    let (status, vip) = store
        .post_as(
            "/admin/promotions",
            json!({
                "code": "VIP5", "is_automatic": true, "status": "active",
                "rules": [{ "attribute": "customer.groups.id", "operator": "in", "values": [group] }],
                "application_method": { "type": "percentage", "target_type": "order", "value": 5 },
            }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{vip}");
    let vip = vip["promotion"]["id"].as_str().unwrap().to_owned();

    let one_item = json!([{ "variant_id": out_variant, "quantity": 2 }]);
    let guest = store
        .ok(
            "/store/carts",
            json!({ "region_id": eur, "items": one_item }),
        )
        .await["cart"]
        .clone();
    assert!(!codes(&guest).contains(&"VIP5".to_owned()), "{guest}");
    assert_eq!(num(&guest["discount_total"]), 0.0);

    let shopper = store.customer_token().await;
    let (_, me) = store.get_as("/store/customers/me", &shopper).await;
    let customer = me["customer"]["id"].as_str().unwrap().to_owned();
    let (status, body) = store
        .post_as(
            &format!("/admin/customer-groups/{group}/customers"),
            json!({ "add": [customer] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, members) = store
        .get_as(&format!("/admin/customers?groups[]={group}"), &admin)
        .await;
    assert_eq!(members["count"], 1, "{members}");
    assert_eq!(members["customers"][0]["id"], customer.as_str());
    let (status, member) = store
        .post_as(
            "/store/carts",
            json!({ "region_id": eur, "items": one_item }),
            &shopper,
        )
        .await;
    assert_eq!(status, 200, "{member}");
    let member = member["cart"].clone();
    assert_eq!(codes(&member), vec!["VIP5"], "{member}");
    let expected = num(&member["item_subtotal"]) * 0.05;
    assert!(
        (num(&member["discount_total"]) - expected).abs() < 1e-6,
        "{member}"
    );

    // A rule the cart does not meet takes the promotion away; removing it
    // brings it back.
    let (status, batch) = store
        .post_as(
            &format!("/admin/promotions/{vip}/rules/batch"),
            json!({ "create": [{ "attribute": "region.id", "operator": "in", "values": [usd] }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{batch}");
    let rule = batch["created"][0]["id"].as_str().unwrap().to_owned();
    let member_id = member["id"].as_str().unwrap();
    let (_, refreshed) = store
        .post_as(
            &format!("/store/carts/{member_id}"),
            json!({ "metadata": { "refresh": true } }),
            &shopper,
        )
        .await;
    assert!(codes(&refreshed["cart"]).is_empty(), "{refreshed}");
    assert_eq!(num(&refreshed["cart"]["discount_total"]), 0.0);
    let (status, batch) = store
        .post_as(
            &format!("/admin/promotions/{vip}/rules/batch"),
            json!({ "delete": [rule] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{batch}");
    assert_eq!(batch["deleted"]["ids"], json!([rule]));
    let (_, refreshed) = store
        .post_as(
            &format!("/store/carts/{member_id}"),
            json!({ "metadata": { "refresh": true } }),
            &shopper,
        )
        .await;
    assert_eq!(codes(&refreshed["cart"]), vec!["VIP5"], "{refreshed}");

    // Bad rules.
    let (status, body) = store
        .post_as(
            "/admin/promotions",
            json!({
                "code": "BROKEN", "rules": [{ "attribute": "region.id", "operator": "like", "values": ["x"] }],
                "application_method": { "type": "percentage", "target_type": "order", "value": 5 },
            }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["type"], "invalid_data");
    let (status, body) = store
        .post_as(
            &format!("/admin/promotions/{vip}/buy-rules/batch"),
            json!({ "create": [{ "attribute": "items.product.id", "operator": "in", "values": ["prod_1"] }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = store
        .post_as(
            &format!("/admin/promotions/{vip}/rules/batch"),
            json!({ "delete": ["prorul_missing"] }),
            &admin,
        )
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn buying_two_of_one_product_makes_another_free() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let products = catalogue(&store, &admin).await;
    let (buy_product, buy_variant, _) = products[0].clone();
    let (get_product, get_variant, _) = products[1].clone();
    let (status, created) = store
        .post_as(
            "/admin/promotions",
            json!({
                "code": "BUY2GET1", "type": "buyget", "status": "active",
                "application_method": {
                    "type": "percentage", "target_type": "items", "value": 100,
                    "buy_rules_min_quantity": 2, "apply_to_quantity": 1,
                    "buy_rules": [{ "attribute": "items.product.id", "operator": "in", "values": [buy_product] }],
                    "target_rules": [{ "attribute": "items.product.id", "operator": "in", "values": [get_product] }],
                },
            }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["promotion"]["application_method"]["buy_rules"][0]["values"],
        json!([{ "value": buy_product }])
    );
    let (status, body) = store
        .post_as(
            "/admin/promotions",
            json!({ "code": "HALFDONE", "type": "buyget",
                    "application_method": { "type": "percentage", "target_type": "items", "value": 100 } }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "buy-get without rules: {body}");

    let eur = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let cart_with = |buy: i64| {
        json!({ "region_id": eur, "promo_codes": ["BUY2GET1"], "items": [
            { "variant_id": buy_variant, "quantity": buy },
            { "variant_id": get_variant, "quantity": 2 },
        ] })
    };
    let one = store.ok("/store/carts", cart_with(1)).await["cart"].clone();
    assert_eq!(num(&one["discount_total"]), 0.0, "only one bought: {one}");
    let two = store.ok("/store/carts", cart_with(2)).await["cart"].clone();
    let free_line = two["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["variant_id"] == get_variant.as_str())
        .unwrap();
    assert!(
        (discount_on(&two, &get_variant) - num(&free_line["unit_price"])).abs() < 1e-6,
        "one unit free: {two}"
    );
    assert_eq!(discount_on(&two, &buy_variant), 0.0);
}
