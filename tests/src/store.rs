//! A seeded demo store running in a real host process, and a small client
//! for its Store API.

use serde_json::{Value, json};

use crate::{HostProcess, Project, TestPostgres};

/// A running demo store.
pub struct DemoStore {
    pub host: HostProcess,
    pub key: String,
    pub project: Project,
    /// The PostgreSQL database's URL (SQLite: `None`, the project's `medusa.db`).
    pub database_url: Option<String>,
    _postgres: Option<TestPostgres>,
}

impl DemoStore {
    /// `medusa develop` on SQLite, or on a fresh PostgreSQL database.
    pub async fn start(postgres: Option<TestPostgres>) -> Self {
        let project = match &postgres {
            Some(pg) => Project::with_database(&pg.url),
            None => Project::new(""),
        };
        Self::in_project(project, postgres).await
    }

    /// `medusa develop` in `project` (whose config names the database).
    pub async fn in_project(project: Project, postgres: Option<TestPostgres>) -> Self {
        let host = project.spawn(&["develop"]).await;
        let stdout = host.stdout();
        let key = stdout
            .lines()
            .find_map(|l| l.strip_prefix("publishable key: "))
            .unwrap_or_else(|| panic!("no publishable key printed:\n{stdout}"))
            .trim()
            .to_owned();
        Self {
            host,
            key,
            project,
            database_url: postgres.as_ref().map(|pg| pg.url.clone()),
            _postgres: postgres,
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .host
            .client
            .request(method, self.host.url(path))
            .header("x-publishable-api-key", &self.key);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
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

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None, Some(token))
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body), None)
            .await
    }

    pub async fn post_as(&self, path: &str, body: Value, token: &str) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body), Some(token))
            .await
    }

    pub async fn delete_as(&self, path: &str, token: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None, Some(token))
            .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None, None).await
    }

    /// `POST` that must answer 200; returns the body.
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let (status, body) = self.post(path, body).await;
        assert_eq!(status, 200, "POST {path}: {body}");
        body
    }

    /// A bearer token of the demo admin (`medusa develop` seeds one).
    pub async fn admin_token(&self) -> String {
        let login = self
            .ok(
                "/auth/user/emailpass",
                json!({ "email": "admin@medusa-test.com", "password": "supersecret" }),
            )
            .await;
        login["token"].as_str().expect("admin token").to_owned()
    }

    /// A bearer token of a newly registered customer.
    pub async fn customer_token(&self) -> String {
        let email = format!(
            "shopper+{}@example.com",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        let credentials = json!({ "email": email, "password": "secret-pass" });
        let registration = self
            .ok("/auth/customer/emailpass/register", credentials.clone())
            .await["token"]
            .as_str()
            .expect("registration token")
            .to_owned();
        let (status, body) = self
            .post_as(
                "/store/customers",
                json!({ "first_name": "Sam" }),
                &registration,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        self.ok("/auth/customer/emailpass", credentials).await["token"]
            .as_str()
            .expect("customer token")
            .to_owned()
    }

    /// The id of the region with `currency`.
    pub async fn region(&self, currency: &str) -> Value {
        let (_, body) = self.get("/store/regions").await;
        body["regions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["currency_code"] == currency)
            .cloned()
            .expect("region")
    }

    /// A cart in `region` with `quantity` of `variant`, a German address, a
    /// shipping method and a payment session: ready to complete.
    pub async fn ready_cart(&self, region: &str, variant: &str, quantity: i64) -> String {
        let cart = self.ok("/store/carts", json!({ "region_id": region, "items": [{ "variant_id": variant, "quantity": quantity }] })).await;
        let id = cart["cart"]["id"].as_str().expect("cart id").to_owned();
        self.ok(&format!("/store/carts/{id}"), json!({ "email": "buyer@example.com", "shipping_address": { "country_code": "de", "city": "Berlin", "address_1": "Street 1" } })).await;
        let (_, options) = self
            .get(&format!("/store/shipping-options?cart_id={id}"))
            .await;
        let option = options["shipping_options"][0]["id"]
            .as_str()
            .expect("an option")
            .to_owned();
        self.ok(
            &format!("/store/carts/{id}/shipping-methods"),
            json!({ "option_id": option }),
        )
        .await;
        let collection = self
            .ok("/store/payment-collections", json!({ "cart_id": id }))
            .await;
        let pc = collection["payment_collection"]["id"]
            .as_str()
            .expect("collection")
            .to_owned();
        self.ok(
            &format!("/store/payment-collections/{pc}/payment-sessions"),
            json!({ "provider_id": "pp_system_default" }),
        )
        .await;
        id
    }
}
