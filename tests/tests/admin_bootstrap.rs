//! The back-office bootstrap of spec §3.1 (issue 6), over HTTP alone, from an
//! empty database: `medusa db migrate`, `medusa user create`, `medusa start`;
//! then the admin sets the store's currencies, creates a region, a sales
//! channel and a publishable key for it, a warehouse with a fulfillment set,
//! service zone and shipping option, a product with variants, prices and
//! stock; a storefront then buys with the new key, and the back office
//! fulfils, captures, ships and delivers the order, and cancels another.
//! On SQLite and on PostgreSQL.

use medusa_tests::{HostProcess, Project, TestPostgres};
use serde_json::{Value, json};

const CONFIG: &str =
    "[http]\njwt_secret = \"bootstrap-jwt\"\ncookie_secret = \"bootstrap-cookie\"\n";

struct Admin<'a> {
    host: &'a HostProcess,
    token: String,
}

impl Admin<'_> {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .host
            .client
            .request(method, self.host.url(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.send(reqwest::Method::GET, path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.send(reqwest::Method::POST, path, Some(body)).await;
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    }
}

async fn store_get(host: &HostProcess, key: &str, path: &str) -> (u16, Value) {
    let res = host
        .client
        .get(host.url(path))
        .header("x-publishable-api-key", key)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_admin_sets_up_an_empty_store_over_http_on_sqlite() {
    bootstrap(Project::new(CONFIG)).await;
}

#[tokio::test]
async fn an_admin_sets_up_an_empty_store_over_http_on_postgres() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    bootstrap(Project::with_database(&pg.url)).await;
}

async fn bootstrap(project: Project) {
    project.run(&["db", "migrate"]).await.assert_code(0);
    project
        .run(&[
            "user",
            "create",
            "-e",
            "owner@shop.example",
            "-p",
            "open-sesame",
        ])
        .await
        .assert_code(0);
    let host = project.spawn(&["start"]).await;
    let login = host
        .client
        .post(host.url("/auth/user/emailpass"))
        .json(&json!({ "email": "owner@shop.example", "password": "open-sesame" }))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status().as_u16(), 200);
    let token = login.json::<Value>().await.expect("token")["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let admin = Admin { host: &host, token };

    // The first boot made a store selling in EUR with a default channel.
    let stores = admin.get("/admin/stores").await;
    assert_eq!(stores["count"], json!(1), "{stores}");
    let store = &stores["stores"][0];
    assert_eq!(store["name"], "Medusa Store");
    let store_id = store["id"].as_str().unwrap().to_owned();
    assert!(store["default_sales_channel_id"].is_string(), "{store}");

    let (status, bad) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/stores/{store_id}"),
            Some(json!({ "supported_currencies": [{ "currency_code": "usd" }] })),
        )
        .await;
    assert_eq!(
        (status, bad["type"].clone()),
        (400, json!("invalid_data")),
        "{bad}"
    );
    let (status, bad) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/stores/{store_id}"),
            Some(
                json!({ "supported_currencies": [{ "currency_code": "xyz", "is_default": true }] }),
            ),
        )
        .await;
    assert_eq!(
        (status, bad["type"].clone()),
        (400, json!("invalid_data")),
        "{bad}"
    );
    let updated = admin
        .post(
            &format!("/admin/stores/{store_id}"),
            json!({ "name": "Shirt Shop", "supported_currencies": [
                { "currency_code": "usd", "is_default": true },
                { "currency_code": "EUR" }
            ] }),
        )
        .await;
    let currencies: Vec<&str> = updated["store"]["supported_currencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["currency_code"].as_str().unwrap())
        .collect();
    assert_eq!(updated["store"]["name"], "Shirt Shop");
    assert!(
        currencies.contains(&"usd") && currencies.contains(&"eur"),
        "{updated}"
    );

    // A region takes its countries and payment provider.
    let region = admin
        .post(
            "/admin/regions",
            json!({ "name": "North America", "currency_code": "USD", "countries": ["us", "CA"],
                    "payment_providers": ["pp_system_default"] }),
        )
        .await["region"]
        .clone();
    let region_id = region["id"].as_str().unwrap().to_owned();
    assert_eq!(region["currency_code"], "usd");
    let mut codes: Vec<&str> = region["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["iso_2"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, ["ca", "us"], "{region}");
    assert_eq!(region["payment_providers"][0]["id"], "pp_system_default");
    let (status, taken) = admin
        .send(
            reqwest::Method::POST,
            "/admin/regions",
            Some(json!({ "name": "US again", "currency_code": "usd", "countries": ["us"] })),
        )
        .await;
    assert_eq!(status, 400, "{taken}");
    assert_eq!(
        taken["message"],
        "Countries with codes: \"us\" are already assigned to a region"
    );
    let (status, unknown) = admin
        .send(
            reqwest::Method::POST,
            "/admin/regions",
            Some(json!({ "name": "Nowhere", "currency_code": "usd", "countries": ["zz"] })),
        )
        .await;
    assert_eq!(
        (status, unknown["type"].clone()),
        (400, json!("invalid_data")),
        "{unknown}"
    );
    let regions = admin.get("/admin/regions").await;
    assert_eq!(
        regions["count"],
        json!(1),
        "a refused region leaves nothing: {regions}"
    );
    let moved = admin
        .post(
            &format!("/admin/regions/{region_id}"),
            json!({ "countries": ["us"] }),
        )
        .await;
    assert_eq!(moved["region"]["countries"].as_array().unwrap().len(), 1);

    // A channel and a publishable key for the storefront.
    let channel = admin
        .post("/admin/sales-channels", json!({ "name": "Webshop" }))
        .await["sales_channel"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = admin
        .post(
            "/admin/api-keys",
            json!({ "title": "Storefront", "type": "publishable" }),
        )
        .await["api_key"]
        .clone();
    let key_id = key["id"].as_str().unwrap();
    admin
        .post(
            &format!("/admin/api-keys/{key_id}/sales-channels"),
            json!({ "add": [channel] }),
        )
        .await;
    let token = key["token"].as_str().unwrap();
    let (status, seen) = store_get(&host, token, "/store/regions").await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["regions"][0]["id"], json!(region_id), "{seen}");

    // A warehouse serving the channel, shipping with the manual provider.
    let location = admin
        .post(
            "/admin/stock-locations",
            json!({ "name": "Main Warehouse", "address": { "address_1": "1 Dock Road", "city": "Newark", "country_code": "US" } }),
        )
        .await["stock_location"]
        .clone();
    assert_eq!(location["address"]["country_code"], "us", "{location}");
    let location_id = location["id"].as_str().unwrap().to_owned();
    admin
        .post(
            &format!("/admin/stock-locations/{location_id}/sales-channels"),
            json!({ "add": [channel] }),
        )
        .await;
    let (status, missing) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/stock-locations/{location_id}/fulfillment-providers"),
            Some(json!({ "add": ["nope_provider"] })),
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    let with_sets = admin
        .post(
            &format!("/admin/stock-locations/{location_id}/fulfillment-providers?fields=*fulfillment_providers"),
            json!({ "add": ["manual_manual"] }),
        )
        .await;
    assert_eq!(
        with_sets["stock_location"]["fulfillment_providers"][0]["id"],
        "manual_manual"
    );
    let with_sets = admin
        .post(
            &format!("/admin/stock-locations/{location_id}/fulfillment-sets?fields=*fulfillment_sets,*sales_channels"),
            json!({ "name": "Main Warehouse shipping", "type": "shipping" }),
        )
        .await;
    assert_eq!(
        with_sets["stock_location"]["sales_channels"][0]["id"],
        json!(channel)
    );
    let set_id = with_sets["stock_location"]["fulfillment_sets"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, bad_zone) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/fulfillment-sets/{set_id}/service-zones"),
            Some(json!({ "name": "Broken", "geo_zones": [{ "type": "province", "country_code": "us" }] })),
        )
        .await;
    assert_eq!(status, 400, "{bad_zone}");
    let set = admin
        .post(
            &format!("/admin/fulfillment-sets/{set_id}/service-zones"),
            json!({ "name": "USA", "geo_zones": [{ "type": "country", "country_code": "us" }] }),
        )
        .await;
    let zones = set["fulfillment_set"]["service_zones"].as_array().unwrap();
    assert_eq!(zones.len(), 1, "the refused zone left nothing: {set}");
    let zone_id = zones[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(zones[0]["geo_zones"][0]["country_code"], "us");

    let profile = admin
        .post(
            "/admin/shipping-profiles",
            json!({ "name": "Default", "type": "default" }),
        )
        .await["shipping_profile"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let option = admin
        .post(
            "/admin/shipping-options",
            json!({
                "name": "Standard", "service_zone_id": zone_id, "shipping_profile_id": profile,
                "provider_id": "manual_manual", "price_type": "flat",
                "type": { "label": "Standard", "description": "3-5 days", "code": "standard" },
                "prices": [{ "currency_code": "usd", "amount": 8 }, { "region_id": region_id, "amount": 6 }],
                "rules": [
                    { "attribute": "enabled_in_store", "value": "true", "operator": "eq" },
                    { "attribute": "is_return", "value": "false", "operator": "eq" }
                ]
            }),
        )
        .await["shipping_option"]
        .clone();
    assert_eq!(option["type"]["code"], "standard", "{option}");
    assert_eq!(option["prices"].as_array().unwrap().len(), 2, "{option}");
    assert_eq!(option["rules"].as_array().unwrap().len(), 2, "{option}");
    let options = admin
        .get(&format!(
            "/admin/shipping-options?service_zone_id={zone_id}"
        ))
        .await;
    assert_eq!(options["count"], json!(1), "{options}");

    // A product with two variants, priced in USD, sold in the channel.
    let (status, missing) = admin
        .send(
            reqwest::Method::POST,
            "/admin/products",
            Some(
                json!({ "title": "Shirt", "options": [{ "title": "Size", "values": ["S", "M"] }],
                         "variants": [{ "title": "S", "prices": [] }] }),
            ),
        )
        .await;
    assert_eq!(status, 400, "{missing}");
    assert_eq!(
        missing["message"],
        "Product \"Shirt\" has variants with missing options: [S]"
    );
    let product = admin
        .post(
            "/admin/products",
            json!({
                "title": "Linen Shirt", "status": "published", "shipping_profile_id": profile,
                "options": [{ "title": "Size", "values": ["S", "M"] }],
                "variants": [
                    { "title": "S", "sku": "SHIRT-S", "options": { "Size": "S" },
                      "prices": [{ "currency_code": "usd", "amount": 15 }] },
                    { "title": "M", "sku": "SHIRT-M", "options": { "Size": "M" },
                      "prices": [{ "currency_code": "usd", "amount": 17 }] }
                ],
                "sales_channels": [{ "id": channel }]
            }),
        )
        .await["product"]
        .clone();
    assert_eq!(product["handle"], "linen-shirt", "{product}");
    assert_eq!(product["variants"].as_array().unwrap().len(), 2);
    let product_id = product["id"].as_str().unwrap().to_owned();
    let edited = admin
        .post(
            &format!("/admin/products/{product_id}"),
            json!({ "description": "Breezy linen", "images": [{ "url": "https://img.example/shirt.jpg" }] }),
        )
        .await["product"]
        .clone();
    assert_eq!(edited["description"], "Breezy linen");
    assert_eq!(
        edited["thumbnail"], "https://img.example/shirt.jpg",
        "{edited}"
    );
    assert_eq!(edited["images"].as_array().unwrap().len(), 1);
    let (status, refused) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/products/{product_id}"),
            Some(json!({ "variants": "S, M" })),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    let (status, duplicate) = admin
        .send(
            reqwest::Method::POST,
            "/admin/products",
            Some(json!({ "title": "Linen Shirt" })),
        )
        .await;
    assert_eq!(
        (status, duplicate["type"].clone()),
        (422, json!("duplicate_error")),
        "{duplicate}"
    );

    // Stock: each managed variant got an inventory item to stock.
    let items = admin.get("/admin/inventory-items?sku=SHIRT-S").await;
    assert_eq!(items["count"], json!(1), "{items}");
    let item = items["inventory_items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stocked = admin
        .post(
            &format!("/admin/inventory-items/{item}/location-levels"),
            json!({ "location_id": location_id, "stocked_quantity": 3 }),
        )
        .await;
    assert_eq!(
        stocked["inventory_item"]["location_levels"][0]["available_quantity"],
        json!(3),
        "{stocked}"
    );
    let restocked = admin
        .post(
            &format!("/admin/inventory-items/{item}/location-levels/{location_id}"),
            json!({ "stocked_quantity": 10 }),
        )
        .await;
    assert_eq!(restocked["inventory_item"]["stocked_quantity"], json!(10));

    // The storefront shops with the new key.
    let (status, listed) = store_get(
        &host,
        token,
        &format!("/store/products?region_id={region_id}&fields=*variants.calculated_price,+variants.inventory_quantity"),
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["count"], json!(1), "{listed}");
    let small = listed["products"][0]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["sku"] == "SHIRT-S")
        .unwrap()
        .clone();
    assert_eq!(
        small["calculated_price"]["calculated_amount"],
        json!(15),
        "{small}"
    );
    assert_eq!(small["inventory_quantity"], json!(10), "{small}");

    let shop = Shopper {
        host: &host,
        key: token,
    };
    let cart = shop
        .post("/store/carts", json!({ "region_id": region_id, "items": [{ "variant_id": small["id"], "quantity": 2 }] }))
        .await["cart"]
        .clone();
    let cart_id = cart["id"].as_str().unwrap().to_owned();
    shop.post(
        &format!("/store/carts/{cart_id}"),
        json!({ "email": "buyer@example.com", "shipping_address": { "first_name": "Ann", "address_1": "5 Elm St", "city": "Austin", "country_code": "us", "postal_code": "73301" } }),
    )
    .await;
    let (_, shipping) = shop
        .get(&format!("/store/shipping-options?cart_id={cart_id}"))
        .await;
    let offered = &shipping["shipping_options"][0];
    assert_eq!(offered["id"], option["id"], "{shipping}");
    assert_eq!(
        offered["amount"],
        json!(6),
        "the region price wins: {shipping}"
    );
    shop.post(
        &format!("/store/carts/{cart_id}/shipping-methods"),
        json!({ "option_id": offered["id"] }),
    )
    .await;
    let collection = shop
        .post("/store/payment-collections", json!({ "cart_id": cart_id }))
        .await["payment_collection"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    shop.post(
        &format!("/store/payment-collections/{collection}/payment-sessions"),
        json!({ "provider_id": "pp_system_default" }),
    )
    .await;
    let completed = shop
        .post(&format!("/store/carts/{cart_id}/complete"), json!({}))
        .await;
    assert_eq!(completed["type"], "order", "{completed}");
    assert_eq!(completed["order"]["total"], json!(36), "{completed}");
    let levels = admin.get(&format!("/admin/inventory-items/{item}")).await;
    assert_eq!(
        levels["inventory_item"]["reserved_quantity"],
        json!(2),
        "{levels}"
    );
    // The back office fulfils, captures, ships and delivers the order.
    let order_id = completed["order"]["id"].as_str().unwrap().to_owned();
    let orders = admin.get("/admin/orders").await;
    assert_eq!(orders["count"], json!(1), "{orders}");
    let order = admin.get(&format!("/admin/orders/{order_id}")).await["order"].clone();
    assert_eq!(order["payment_status"], "authorized", "{order}");
    assert_eq!(order["fulfillment_status"], "not_fulfilled");
    let line = order["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, too_many) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/orders/{order_id}/fulfillments"),
            Some(json!({ "items": [{ "id": line, "quantity": 3 }] })),
        )
        .await;
    assert_eq!(status, 400, "{too_many}");
    let partly = admin
        .post(
            &format!("/admin/orders/{order_id}/fulfillments"),
            json!({ "items": [{ "id": line, "quantity": 1 }], "location_id": location_id }),
        )
        .await["order"]
        .clone();
    assert_eq!(
        partly["fulfillment_status"], "partially_fulfilled",
        "{partly}"
    );
    let fulfilled = admin
        .post(
            &format!("/admin/orders/{order_id}/fulfillments"),
            json!({ "items": [{ "id": line, "quantity": 1 }] }),
        )
        .await["order"]
        .clone();
    assert_eq!(fulfilled["fulfillment_status"], "fulfilled", "{fulfilled}");
    let stock = admin.get(&format!("/admin/inventory-items/{item}")).await;
    assert_eq!(
        stock["inventory_item"]["stocked_quantity"],
        json!(8),
        "{stock}"
    );
    assert_eq!(
        stock["inventory_item"]["reserved_quantity"],
        json!(0),
        "{stock}"
    );

    let payment = fulfilled["payment_collections"][0]["payments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let captured = admin
        .post(&format!("/admin/payments/{payment}/capture"), json!({}))
        .await;
    assert_eq!(
        captured["payment"]["captures"][0]["amount"],
        json!(36),
        "{captured}"
    );
    let (status, again) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/payments/{payment}/capture"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 400, "capturing twice: {again}");

    let fulfillments: Vec<String> = fulfilled["fulfillments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fulfillments.len(), 2, "{fulfilled}");
    let (status, early) = admin
        .send(
            reqwest::Method::POST,
            &format!(
                "/admin/orders/{order_id}/fulfillments/{}/mark-as-delivered",
                fulfillments[0]
            ),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 400, "delivered before shipped: {early}");
    let mut last = Value::Null;
    for fulfillment in &fulfillments {
        admin
            .post(
                &format!("/admin/orders/{order_id}/fulfillments/{fulfillment}/shipments"),
                json!({ "items": [{ "id": line, "quantity": 1 }], "labels": [{ "tracking_number": "1Z999", "tracking_url": "https://track.example/1Z999", "label_url": "https://labels.example/1Z999" }] }),
            )
            .await;
        last = admin
            .post(
                &format!("/admin/orders/{order_id}/fulfillments/{fulfillment}/mark-as-delivered"),
                json!({}),
            )
            .await;
    }
    assert_eq!(last["order"]["fulfillment_status"], "delivered", "{last}");
    assert_eq!(last["order"]["payment_status"], "captured", "{last}");

    // Order lists filter on the computed statuses, and `fields` narrows them.
    let delivered = admin
        .get("/admin/orders?fulfillment_status[]=delivered&payment_status[]=captured&fields=id,payment_status")
        .await;
    assert_eq!(delivered["count"], 1, "{delivered}");
    assert_eq!(delivered["orders"][0]["id"], order_id.as_str());
    assert!(delivered["orders"][0].get("items").is_none(), "{delivered}");
    let pending = admin
        .get("/admin/orders?fulfillment_status[]=not_fulfilled")
        .await;
    assert!(
        !pending["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == order_id.as_str()),
        "{pending}"
    );
    let located = admin
        .get(&format!(
            "/admin/stock-locations?sales_channel_id={channel}"
        ))
        .await;
    assert_eq!(located["count"], 1, "{located}");
    assert_eq!(located["stock_locations"][0]["id"], location_id.as_str());
    let (status, refused) = admin
        .send(
            reqwest::Method::POST,
            &format!("/admin/orders/{order_id}/cancel"),
            None,
        )
        .await;
    assert_eq!(
        (status, refused["type"].clone()),
        (400, json!("not_allowed")),
        "{refused}"
    );

    // A second order is canceled: its stock is free again.
    let cart = shop
        .post("/store/carts", json!({ "region_id": region_id, "email": "b@example.com", "items": [{ "variant_id": small["id"], "quantity": 3 }],
                                      "shipping_address": { "address_1": "5 Elm St", "city": "Austin", "country_code": "us" } }))
        .await["cart"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    shop.post(
        &format!("/store/carts/{cart}/shipping-methods"),
        json!({ "option_id": offered["id"] }),
    )
    .await;
    let collection = shop
        .post("/store/payment-collections", json!({ "cart_id": cart }))
        .await["payment_collection"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    shop.post(
        &format!("/store/payment-collections/{collection}/payment-sessions"),
        json!({ "provider_id": "pp_system_default" }),
    )
    .await;
    let second = shop
        .post(&format!("/store/carts/{cart}/complete"), json!({}))
        .await["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let held = admin.get(&format!("/admin/inventory-items/{item}")).await;
    assert_eq!(
        held["inventory_item"]["reserved_quantity"],
        json!(3),
        "{held}"
    );
    let canceled = admin
        .post(&format!("/admin/orders/{second}/cancel"), json!({}))
        .await;
    assert_eq!(canceled["order"]["status"], "canceled", "{canceled}");
    let freed = admin.get(&format!("/admin/inventory-items/{item}")).await;
    assert_eq!(
        freed["inventory_item"]["reserved_quantity"],
        json!(0),
        "{freed}"
    );
    assert_eq!(
        freed["inventory_item"]["stocked_quantity"],
        json!(8),
        "{freed}"
    );
}

struct Shopper<'a> {
    host: &'a HostProcess,
    key: &'a str,
}

impl Shopper<'_> {
    async fn get(&self, path: &str) -> (u16, Value) {
        store_get(self.host, self.key, path).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let res = self
            .host
            .client
            .post(self.host.url(path))
            .header("x-publishable-api-key", self.key)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "POST {path}: {body}");
        body
    }
}
