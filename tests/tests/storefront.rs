//! The storefront journey over HTTP against a real host with the demo store:
//! regions, products with prices, cart, addresses, shipping, promotion,
//! payment, customer account, completion and orders — on SQLite and
//! PostgreSQL — plus the errors a storefront meets, and concurrent checkouts.

use medusa_tests::TestPostgres;
use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A cart a mutation answered must be exactly what a read shows afterwards.
async fn assert_as_read(store: &DemoStore, cart: &Value) {
    let (status, read) = store
        .get(&format!("/store/carts/{}", cart["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(
        &read["cart"], cart,
        "the mutation's answer differs from a read"
    );
}

async fn journey(store: &DemoStore) {
    let region = store.region("eur").await;
    let region_id = region["id"].as_str().unwrap();
    assert!(
        region["countries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["iso_2"] == "de" && c["display_name"] == "Germany")
    );

    let (status, list) = store.get(&format!("/store/products?limit=20&region_id={region_id}&fields=*variants.calculated_price,+variants.inventory_quantity")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["count"], 12);
    let products = list["products"].as_array().unwrap();
    let shirt = products.iter().find(|p| p["handle"] == "t-shirt").unwrap();
    let variant = &shirt["variants"][0];
    assert_eq!(variant["calculated_price"]["calculated_amount"], json!(15));
    assert_eq!(variant["calculated_price"]["currency_code"], "eur");
    assert_eq!(variant["inventory_quantity"], json!(100));
    assert!(
        shirt["options"][0]["values"].as_array().unwrap().len() >= 2,
        "{shirt}"
    );
    let mug = products.iter().find(|p| p["handle"] == "mug").unwrap();
    let (v1, v2) = (
        variant["id"].as_str().unwrap(),
        mug["variants"][0]["id"].as_str().unwrap(),
    );

    let (status, one) = store
        .get(&format!(
            "/store/products/{}?region_id={region_id}",
            shirt["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (status, &one["product"]["title"]),
        (200, &json!("Medusa T-Shirt"))
    );
    let (_, by_handle) = store
        .get("/store/products?handle=mug&fields=id,title")
        .await;
    assert_eq!(by_handle["products"].as_array().unwrap().len(), 1);
    assert!(
        by_handle["products"][0].get("variants").is_none(),
        "fields replaced the defaults"
    );

    let cart = store
        .ok("/store/carts", json!({ "region_id": region_id }))
        .await["cart"]
        .clone();
    let cart_id = cart["id"].as_str().unwrap().to_owned();
    assert_eq!(cart["currency_code"], "eur");
    assert!(cart.get("customer_id").is_some() && cart["region_id"] == region_id);
    store
        .ok(
            &format!("/store/carts/{cart_id}/line-items"),
            json!({ "variant_id": v1, "quantity": 1 }),
        )
        .await;
    let cart = store
        .ok(
            &format!("/store/carts/{cart_id}/line-items"),
            json!({ "variant_id": v2, "quantity": 2 }),
        )
        .await["cart"]
        .clone();
    assert_eq!(cart["items"].as_array().unwrap().len(), 2);
    assert_eq!(num(&cart["item_subtotal"]), 35.0);
    assert_as_read(store, &cart).await;
    let mug_line = cart["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["variant_id"] == v2)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cart = store
        .ok(
            &format!("/store/carts/{cart_id}/line-items/{mug_line}"),
            json!({ "quantity": 3 }),
        )
        .await["cart"]
        .clone();
    assert_eq!(num(&cart["item_subtotal"]), 45.0);
    assert_as_read(store, &cart).await;

    let address = json!({ "first_name": "Ada", "last_name": "Lovelace", "address_1": "Unter den Linden 1", "city": "Berlin", "country_code": "DE", "postal_code": "10117", "phone": "" });
    let cart = store.ok(&format!("/store/carts/{cart_id}"), json!({ "email": "ada@example.com", "shipping_address": address, "billing_address": address })).await["cart"].clone();
    assert_eq!(cart["shipping_address"]["country_code"], "de");
    assert_eq!(
        num(&cart["tax_total"]),
        45.0 * 0.19,
        "German VAT on the items"
    );
    assert_as_read(store, &cart).await;

    let (status, options) = store
        .get(&format!("/store/shipping-options?cart_id={cart_id}"))
        .await;
    assert_eq!(status, 200, "{options}");
    let options = options["shipping_options"].as_array().unwrap().clone();
    assert_eq!(options.len(), 2, "standard and express for Europe");
    let standard = options
        .iter()
        .find(|o| o["name"] == "Standard Shipping")
        .unwrap();
    assert_eq!(standard["amount"], json!(10));
    assert_eq!(
        standard["service_zone"]["fulfillment_set"]["type"],
        "shipping"
    );
    let cart = store
        .ok(
            &format!("/store/carts/{cart_id}/shipping-methods"),
            json!({ "option_id": standard["id"] }),
        )
        .await["cart"]
        .clone();
    assert_eq!(
        cart["shipping_methods"][0]["shipping_option_id"],
        standard["id"]
    );
    assert_eq!(num(&cart["shipping_subtotal"]), 10.0);
    assert_as_read(store, &cart).await;

    let cart = store
        .ok(
            &format!("/store/carts/{cart_id}"),
            json!({ "promo_codes": ["WELCOME10"] }),
        )
        .await["cart"]
        .clone();
    assert_eq!(cart["promotions"][0]["code"], "WELCOME10");
    assert_eq!(num(&cart["discount_subtotal"]), 4.5, "10% of the items");
    let expected_total = 45.0 - 4.5 + (45.0 - 4.5) * 0.19 + 10.0 * 1.19;
    assert!(
        (num(&cart["total"]) - expected_total).abs() < 1e-9,
        "{} vs {expected_total}",
        cart["total"]
    );
    assert_as_read(store, &cart).await;

    let pc = store
        .ok("/store/payment-collections", json!({ "cart_id": cart_id }))
        .await["payment_collection"]
        .clone();
    assert_eq!(pc["amount"], cart["total"]);
    let again = store
        .ok("/store/payment-collections", json!({ "cart_id": cart_id }))
        .await;
    assert_eq!(
        again["payment_collection"]["id"], pc["id"],
        "one collection per cart"
    );
    // A change after the collection exists moves its amount with the total.
    for quantity in [4, 3] {
        let changed = store
            .ok(
                &format!("/store/carts/{cart_id}/line-items/{mug_line}"),
                json!({ "quantity": quantity }),
            )
            .await["cart"]
            .clone();
        assert_eq!(changed["payment_collection"]["amount"], changed["total"]);
        assert_as_read(store, &changed).await;
    }
    let (status, providers) = store
        .get(&format!("/store/payment-providers?region_id={region_id}"))
        .await;
    assert_eq!(
        (status, &providers["payment_providers"][0]["id"]),
        (200, &json!("pp_system_default"))
    );
    let pc = store
        .ok(
            &format!(
                "/store/payment-collections/{}/payment-sessions",
                pc["id"].as_str().unwrap()
            ),
            json!({ "provider_id": "pp_system_default" }),
        )
        .await;
    assert_eq!(
        pc["payment_collection"]["payment_sessions"][0]["status"],
        "pending"
    );

    // A customer account, then the cart moves to the customer.
    let email = format!(
        "ada+{}@example.com",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let registration = store
        .ok(
            "/auth/customer/emailpass/register",
            json!({ "email": email, "password": "analytical" }),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, customer) = store
        .post_as(
            "/store/customers",
            json!({ "first_name": "Ada", "last_name": "Lovelace" }),
            &registration,
        )
        .await;
    assert_eq!(status, 200, "{customer}");
    assert_eq!(
        (
            customer["customer"]["has_account"].clone(),
            customer["customer"]["email"].clone()
        ),
        (json!(true), json!(email))
    );
    let (status, bad) = store
        .post(
            "/auth/customer/emailpass",
            json!({ "email": email, "password": "wrong" }),
        )
        .await;
    assert_eq!((status, bad["type"].clone()), (401, json!("unauthorized")));
    let token = store
        .ok(
            "/auth/customer/emailpass",
            json!({ "email": email, "password": "analytical" }),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, moved) = store
        .post_as(
            &format!("/store/carts/{cart_id}/customer"),
            json!({}),
            &token,
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["cart"]["customer_id"], customer["customer"]["id"]);

    let (status, done) = store
        .post(&format!("/store/carts/{cart_id}/complete"), json!({}))
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["type"], "order");
    let order = done["order"].clone();
    assert!(order["id"].as_str().unwrap().starts_with("order_"));
    assert_eq!(order["items"].as_array().unwrap().len(), 2);
    assert_eq!(order["total"], cart["total"]);
    assert_eq!(order["payment_status"], "authorized");
    assert!(order["display_id"].as_i64().unwrap() >= 1);
    assert_eq!(order["shipping_address"]["city"], "Berlin");
    let (_, twice) = store
        .post(&format!("/store/carts/{cart_id}/complete"), json!({}))
        .await;
    assert_eq!(
        twice["order"]["id"], order["id"],
        "completing twice returns the same order"
    );
    let (status, closed) = store
        .post(
            &format!("/store/carts/{cart_id}/line-items"),
            json!({ "variant_id": v1, "quantity": 1 }),
        )
        .await;
    assert_eq!(
        (status, closed["type"].clone()),
        (400, json!("invalid_data")),
        "{closed}"
    );

    let (status, orders) = store.get_as("/store/orders", &token).await;
    assert_eq!(status, 200, "{orders}");
    assert_eq!(orders["orders"][0]["id"], order["id"]);
    let (_, me) = store
        .get_as("/store/customers/me?fields=*orders", &token)
        .await;
    assert_eq!(me["customer"]["email"], json!(email));
    assert_eq!(me["customer"]["orders"].as_array().unwrap().len(), 1);
    let (_, fetched) = store
        .get(&format!("/store/orders/{}", order["id"].as_str().unwrap()))
        .await;
    assert_eq!(
        fetched["order"]["items"][0]["detail"]["quantity"],
        fetched["order"]["items"][0]["quantity"]
    );

    // Stock is reserved for the order.
    let (_, after) = store
        .get(&format!(
            "/store/products?handle=mug&region_id={region_id}&fields=+variants.inventory_quantity"
        ))
        .await;
    let mug_variant = after["products"][0]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == v2)
        .unwrap()
        .clone();
    assert_eq!(mug_variant["inventory_quantity"], json!(97));
}

#[tokio::test]
async fn storefront_journey_on_sqlite() {
    let store = DemoStore::start(None).await;
    journey(&store).await;
    // The workflows' events reached the outbox: cart.created, cart.updated, order.placed.
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        store.project.file("medusa.db").display()
    ))
    .await
    .unwrap();
    let names: Vec<(String, String)> =
        sqlx::query_as("SELECT name, data FROM event_outbox ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert!(names.iter().any(|(n, _)| n == "cart.created"), "{names:?}");
    assert!(names.iter().any(|(n, _)| n == "cart.updated"), "{names:?}");
    let placed: Vec<_> = names.iter().filter(|(n, _)| n == "order.placed").collect();
    assert_eq!(placed.len(), 1, "one order, one event: {names:?}");
    assert!(placed[0].1.contains("order_"), "{placed:?}");
}

#[tokio::test]
async fn storefront_journey_on_postgres() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    journey(&DemoStore::start(Some(pg)).await).await;
}

#[tokio::test]
async fn storefront_errors_use_medusa_shapes() {
    let store = DemoStore::start(None).await;
    let plain = reqwest::Client::new();
    let res = plain
        .get(store.host.url("/store/regions"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["type"], "not_allowed");
    let res = plain
        .get(store.host.url("/store/regions"))
        .header("x-publishable-api-key", "pk_nope")
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["message"],
        "A valid publishable key is required to proceed with the request"
    );

    let region = store.region("eur").await;
    let region_id = region["id"].as_str().unwrap();
    let (status, body) = store
        .post(
            "/store/carts",
            json!({ "region_id": region_id, "colour": "red" }),
        )
        .await;
    assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));
    assert!(
        body["message"].as_str().unwrap().contains("colour"),
        "{body}"
    );
    let cart = store
        .ok("/store/carts", json!({ "region_id": region_id }))
        .await["cart"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = store
        .post(
            &format!("/store/carts/{cart}/line-items"),
            json!({ "variant_id": "variant_x", "quantity": "two" }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("quantity"),
        "{body}"
    );
    let (status, body) = store
        .post(
            &format!("/store/carts/{cart}/line-items"),
            json!({ "variant_id": "variant_missing", "quantity": 1 }),
        )
        .await;
    assert_eq!(
        (status, body["type"].clone()),
        (404, json!("not_found")),
        "{body}"
    );
    let (status, body) = store
        .post(
            &format!("/store/carts/{cart}"),
            json!({ "promo_codes": ["NOPE"] }),
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (400, json!("The promotion code NOPE is invalid"))
    );
    let (status, body) = store
        .post(
            &format!("/store/carts/{cart}"),
            json!({ "shipping_address": { "country_code": "us" } }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "Country with code us is not within region Europe"
    );
    let (status, body) = store
        .post(
            &format!("/store/carts/{cart}/shipping-methods"),
            json!({ "option_id": "so_nope" }),
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (400, json!("Shipping Options are invalid for cart."))
    );
    let (status, body) = store
        .post(&format!("/store/carts/{cart}/complete"), json!({}))
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            400,
            json!("Payment collection has not been initiated for cart")
        )
    );
    // `fields` narrows (bare names) or extends (modifiers) the cart.
    let (_, narrow) = store
        .get(&format!("/store/carts/{cart}?fields=id,region_id"))
        .await;
    let mut keys: Vec<&String> = narrow["cart"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["id", "region_id"]);
    let (_, wide) = store
        .get(&format!("/store/carts/{cart}?fields=*items,+items.total"))
        .await;
    assert!(
        wide["cart"]["total"].is_number() && wide["cart"]["region"]["countries"].is_array(),
        "{wide}"
    );
    let (_, beanie_list) = store.get("/store/products?handle=limited-beanie").await;
    let beanie_id = beanie_list["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, variant) = store
        .get(&format!(
            "/store/product-variants/{beanie_id}?region_id={region_id}&fields=+inventory_quantity"
        ))
        .await;
    assert_eq!(status, 200, "{variant}");
    assert_eq!(
        variant["variant"]["calculated_price"]["calculated_amount"],
        json!(16)
    );
    assert_eq!(variant["variant"]["inventory_quantity"], json!(10));
    let (status, variants) = store.get("/store/product-variants?limit=5").await;
    assert_eq!(
        (
            status,
            variants["count"].clone(),
            variants["variants"].as_array().unwrap().len()
        ),
        (200, json!(46), 5)
    );
    let (status, _) = store.get("/store/product-variants/variant_missing").await;
    assert_eq!(status, 404);
    let (status, reasons) = store.get("/store/return-reasons").await;
    assert_eq!(status, 200, "{reasons}");
    assert!(
        reasons["return_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["value"] == "damaged"),
        "{reasons}"
    );
    let id = reasons["return_reasons"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, one) = store.get(&format!("/store/return-reasons/{id}")).await;
    assert_eq!(
        (status, one["return_reason"]["id"].clone()),
        (200, json!(id))
    );
    let (status, body) = store.get("/store/carts/cart_missing").await;
    assert_eq!((status, body["type"].clone()), (404, json!("not_found")));
    let (status, body) = store.get("/store/orders").await;
    assert_eq!((status, body), (401, json!({ "message": "Unauthorized" })));
    let (status, body) = store.get("/store/products?limit=lots").await;
    assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));
    let (status, body) = store.get("/store/shipping-options").await;
    assert_eq!(status, 400, "{body}");

    // Too many for the stock: the insufficient inventory code.
    let (_, list) = store.get("/store/products?handle=limited-beanie").await;
    let beanie = list["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = store
        .post(
            &format!("/store/carts/{cart}/line-items"),
            json!({ "variant_id": beanie, "quantity": 11 }),
        )
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (400, json!("insufficient_inventory")),
        "{body}"
    );
    let (status, body) = store
        .delete(&format!("/store/carts/{cart}/line-items/cali_missing"))
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn a_guest_order_is_transferred_to_a_customer() {
    let store = DemoStore::start(None).await;
    let region = store.region("eur").await;
    let (_, list) = store.get("/store/products?handle=mug").await;
    let variant = list["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cart = store
        .ready_cart(region["id"].as_str().unwrap(), &variant, 1)
        .await;
    let order = store
        .ok(&format!("/store/carts/{cart}/complete"), json!({}))
        .await["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let email = "transfer@example.com";
    let registration = store
        .ok(
            "/auth/customer/emailpass/register",
            json!({ "email": email, "password": "secret123" }),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, customer) = store
        .post_as("/store/customers", json!({}), &registration)
        .await;
    assert_eq!(status, 200, "{customer}");
    let token = store
        .ok(
            "/auth/customer/emailpass",
            json!({ "email": email, "password": "secret123" }),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = store
        .post(
            &format!("/store/orders/{order}/transfer/request"),
            json!({}),
        )
        .await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = store
        .post_as(
            &format!("/store/orders/{order}/transfer/request"),
            json!({}),
            &token,
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The token goes to the order's email; the test reads it from the database.
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        store.project.file("medusa.db").display()
    ))
    .await
    .unwrap();
    let (secret,): (String,) =
        sqlx::query_as("SELECT token FROM order_transfer WHERE order_id = ?")
            .bind(&order)
            .fetch_one(&db)
            .await
            .unwrap();
    let (status, body) = store
        .post(
            &format!("/store/orders/{order}/transfer/accept"),
            json!({ "token": "wrong" }),
        )
        .await;
    assert_eq!((status, body["type"].clone()), (400, json!("not_allowed")));
    let (status, accepted) = store
        .post(
            &format!("/store/orders/{order}/transfer/accept"),
            json!({ "token": secret }),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["order"]["customer_id"], customer["customer"]["id"]);
    let (_, orders) = store.get_as("/store/orders", &token).await;
    assert_eq!(orders["orders"][0]["id"], json!(order));
    let (status, _) = store
        .post(
            &format!("/store/orders/{order}/transfer/decline"),
            json!({ "token": secret }),
        )
        .await;
    assert_eq!(status, 400, "a used token cannot be used again");
}

async fn concurrent_checkouts(store: &DemoStore) {
    let region = store.region("eur").await;
    let region_id = region["id"].as_str().unwrap().to_owned();
    let (_, list) = store.get("/store/products?handle=limited-beanie").await;
    let beanie = list["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut carts = Vec::new();
    for chunk in 0..5 {
        let batch: Vec<_> = (0..10)
            .map(|_| store.ready_cart(&region_id, &beanie, 1))
            .collect();
        carts.extend(futures::future::join_all(batch).await);
        assert_eq!(carts.len(), (chunk + 1) * 10);
    }
    let paths: Vec<String> = carts
        .iter()
        .map(|id| format!("/store/carts/{id}/complete"))
        .collect();
    let completions = paths.iter().map(|path| store.post(path, json!({})));
    let results = futures::future::join_all(completions).await;
    let orders = results
        .iter()
        .filter(|(s, b)| *s == 200 && b["type"] == "order")
        .count();
    let refused: Vec<_> = results
        .iter()
        .filter(|(s, b)| *s == 400 && b["code"] == "insufficient_inventory")
        .collect();
    assert_eq!(
        orders,
        10,
        "exactly the stock: {:?}",
        results
            .iter()
            .filter(|(s, _)| *s != 200)
            .take(3)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        refused.len(),
        40,
        "{:?}",
        results
            .iter()
            .filter(|(s, b)| *s != 200 && b["code"] != "insufficient_inventory")
            .take(3)
            .collect::<Vec<_>>()
    );
    let (_, after) = store.get(&format!("/store/products?handle=limited-beanie&region_id={region_id}&fields=+variants.inventory_quantity")).await;
    let left = after["products"][0]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == beanie)
        .unwrap()["inventory_quantity"]
        .clone();
    assert_eq!(left, json!(0), "all ten reserved, none oversold");
}

#[tokio::test]
async fn fifty_parallel_checkouts_for_ten_in_stock_on_sqlite() {
    concurrent_checkouts(&DemoStore::start(None).await).await;
}

#[tokio::test]
async fn fifty_parallel_checkouts_for_ten_in_stock_on_postgres() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    concurrent_checkouts(&DemoStore::start(Some(pg)).await).await;
}

#[tokio::test]
async fn a_customer_requests_a_return_of_an_order() {
    let store = DemoStore::start(None).await;
    let region = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let (_, products) = store
        .get(&format!("/store/products?limit=1&region_id={region}"))
        .await;
    let variant = products["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cart = store.ready_cart(&region, &variant, 3).await;
    let order = store
        .ok(&format!("/store/carts/{cart}/complete"), json!({}))
        .await;
    let order_id = order["order"]["id"].as_str().unwrap().to_owned();
    let item_id = order["order"]["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Return options are listed apart from outbound ones.
    let (_, outbound) = store
        .get(&format!("/store/shipping-options?cart_id={cart}"))
        .await;
    let (_, returns) = store
        .get(&format!(
            "/store/shipping-options?cart_id={cart}&is_return=true"
        ))
        .await;
    let option = returns["shipping_options"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(returns["shipping_options"][0]["name"], "Return Shipping");
    assert!(
        !outbound["shipping_options"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == option.as_str())
    );
    let outbound_id = outbound["shipping_options"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, reasons) = store.get("/store/return-reasons").await;
    let reason = reasons["return_reasons"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let body = |quantity: i64, option: &str| {
        json!({
            "order_id": order_id,
            "items": [{ "id": item_id, "quantity": quantity, "reason_id": reason }],
            "return_shipping": { "option_id": option },
        })
    };
    let (status, err) = store.post("/store/returns", body(1, &outbound_id)).await;
    assert_eq!(
        (status, err["type"].as_str()),
        (400, Some("invalid_data")),
        "{err}"
    );
    let (status, err) = store.post("/store/returns", body(4, &option)).await;
    assert_eq!(status, 400, "more than ordered: {err}");

    let (status, created) = store.post("/store/returns", body(2, &option)).await;
    assert_eq!(status, 200, "{created}");
    let ret = &created["return"];
    assert!(ret["id"].as_str().unwrap().starts_with("return_"), "{ret}");
    assert_eq!(ret["status"], "requested");
    assert_eq!(ret["items"][0]["quantity"], 2);
    assert_eq!(ret["items"][0]["reason_id"], reason.as_str());

    // Only one of the three is left to return.
    let (status, err) = store.post("/store/returns", body(2, &option)).await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("1 can still be returned"),
        "{err}"
    );
    let (status, _) = store.post("/store/returns", body(1, &option)).await;
    assert_eq!(status, 200);

    let (status, err) = store
        .post(
            "/store/returns",
            json!({ "order_id": "order_nope", "items": [{ "id": item_id, "quantity": 1 }], "return_shipping": { "option_id": option } }),
        )
        .await;
    assert_eq!(
        (status, err["type"].as_str()),
        (404, Some("not_found")),
        "{err}"
    );
}
