//! Batches over products (issue 6, §3.2 and §3.7), over HTTP against the
//! demo store: `POST /admin/products/batch` creates, updates and deletes in
//! one transaction (a bad entry changes nothing); `POST
//! /admin/price-lists/{id}/products` takes a product out of a sale, and the
//! storefront prices it at its list price again.

use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

fn num(v: &Value) -> f64 {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(f64::NAN)
}

#[tokio::test]
async fn products_change_in_one_batch_or_not_at_all() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let (status, first) = store
        .post_as("/admin/products", json!({ "title": "Batch Mug" }), &admin)
        .await;
    assert_eq!(status, 200, "{first}");
    let mug = first["product"]["id"].as_str().unwrap().to_owned();
    let (_, second) = store
        .post_as("/admin/products", json!({ "title": "Batch Bowl" }), &admin)
        .await;
    let bowl = second["product"]["id"].as_str().unwrap().to_owned();

    let (status, batch) = store
        .post_as(
            "/admin/products/batch",
            json!({
                "create": [{ "title": "Batch Plate", "options": [{ "title": "Size", "values": ["S"] }],
                             "variants": [{ "title": "S", "options": { "Size": "S" },
                                            "prices": [{ "currency_code": "eur", "amount": 9 }] }] }],
                "update": [{ "id": mug, "subtitle": "Stoneware" }],
                "delete": [bowl],
            }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{batch}");
    assert_eq!(batch["created"][0]["title"], "Batch Plate");
    assert_eq!(batch["created"][0]["variants"][0]["prices"][0]["amount"], 9);
    assert_eq!(batch["updated"][0]["subtitle"], "Stoneware");
    assert_eq!(batch["deleted"]["ids"], json!([bowl]));
    let (status, _) = store
        .get_as(&format!("/admin/products/{bowl}"), &admin)
        .await;
    assert_eq!(status, 404);

    // A duplicate handle refuses the batch before anything is written.
    let (status, refused) = store
        .post_as(
            "/admin/products/batch",
            json!({ "update": [{ "id": mug, "subtitle": "Porcelain" }],
                    "create": [{ "title": "Batch Plate" }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    // A variant with an unknown option value fails inside the transaction.
    let (status, refused) = store
        .post_as(
            "/admin/products/batch",
            json!({ "update": [{ "id": mug, "subtitle": "Porcelain" }],
                    "create": [{ "title": "Batch Cup", "options": [{ "title": "Size", "values": ["S"] }],
                                 "variants": [{ "title": "XL", "options": { "Size": "XL" }, "prices": [] }] }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    let (_, after) = store
        .get_as(&format!("/admin/products/{mug}"), &admin)
        .await;
    assert_eq!(after["product"]["subtitle"], "Stoneware", "rolled back");
    let (_, cups) = store.get_as("/admin/products?q=Batch Cup", &admin).await;
    assert_eq!(cups["count"], 0);
    let (status, _) = store
        .post_as(
            "/admin/products/batch",
            json!({ "delete": ["prod_missing"] }),
            &admin,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_product_leaves_a_price_list() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let europe = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let (_, listed) = store
        .get(&format!("/store/products?limit=1&region_id={europe}"))
        .await;
    let product = listed["products"][0]["id"].as_str().unwrap().to_owned();
    let variant = &listed["products"][0]["variants"][0];
    let variant_id = variant["id"].as_str().unwrap().to_owned();
    let list_price = num(&variant["calculated_price"]["calculated_amount"]);

    let (status, created) = store
        .post_as(
            "/admin/price-lists",
            json!({ "title": "Flash sale", "description": "Today only", "type": "sale", "status": "active",
                    "prices": [{ "variant_id": variant_id, "currency_code": "eur", "amount": list_price - 5.0 }] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let list = created["price_list"]["id"].as_str().unwrap().to_owned();
    let price_of = |body: &Value| {
        body["product"]["variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == variant_id.as_str())
            .map(|v| num(&v["calculated_price"]["calculated_amount"]))
            .unwrap()
    };
    let (_, on_sale) = store
        .get(&format!("/store/products/{product}?region_id={europe}"))
        .await;
    assert_eq!(price_of(&on_sale), list_price - 5.0);

    let (status, answer) = store
        .post_as(
            &format!("/admin/price-lists/{list}/products"),
            json!({ "remove": [product] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["price_list"]["prices"], json!([]), "{answer}");
    let (_, back) = store
        .get(&format!("/store/products/{product}?region_id={europe}"))
        .await;
    assert_eq!(price_of(&back), list_price);
    let (status, _) = store
        .post_as(
            &format!("/admin/price-lists/{list}/products"),
            json!({ "add": [product] }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "only `remove` is accepted");
}
