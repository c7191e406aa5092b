//! The back-office bootstrap of spec §3.1 (issue 6), over HTTP alone, from an
//! empty database: `medusa db migrate`, `medusa user create`, `medusa start`;
//! then the admin sets the store's currencies, creates a region, a sales
//! channel and a publishable key for it, and checks what a storefront sees.

use medusa_tests::{HostProcess, Project};
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
async fn an_admin_sets_up_an_empty_store_over_http() {
    let project = Project::new(CONFIG);
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
}
