//! Who may use `/admin` (issue 6): a user's bearer token, a user's cookie
//! session (`POST /auth/session`, closed by `DELETE /auth/session`), or a
//! secret API key sent as `Basic base64("sk_…:")`. No credentials, a
//! customer's token, a forged or expired token, a closed session and a
//! revoked key all get `401 {"message":"Unauthorized"}`. Also the API key
//! family itself: create (a secret shown once), list, revoke, delete, and a
//! publishable key linked to a channel that a storefront can then use.

use base64::Engine;
use medusa_tests::TestPostgres;
use medusa_tests::store::DemoStore;
use reqwest::Method;
use serde_json::{Value, json};

const ADMIN: (&str, &str) = ("admin@medusa-test.com", "supersecret");

/// How a request authenticates.
enum As<'a> {
    Nobody,
    Bearer(&'a str),
    Cookie(&'a str),
    Key(&'a str),
}

async fn call(
    store: &DemoStore,
    method: Method,
    path: &str,
    who: As<'_>,
    body: Option<Value>,
) -> (u16, Value, Option<String>) {
    let mut req = store.host.client.request(method, store.host.url(path));
    req = match who {
        As::Nobody => req,
        As::Bearer(token) => req.bearer_auth(token),
        As::Cookie(cookie) => req.header("cookie", cookie),
        As::Key(key) => req.header(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
            ),
        ),
    };
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned());
    let text = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        cookie,
    )
}

fn unauthorized(status: u16, body: &Value, what: &str) {
    assert_eq!(
        (status, body),
        (401, &json!({ "message": "Unauthorized" })),
        "{what}"
    );
}

fn expired_token(secret: &str, user_id: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "actor_id": user_id, "actor_type": "user", "auth_identity_id": "authid_x", "app_metadata": {}, "iat": now - 7200, "exp": now - 3600 });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn admin_access(store: &DemoStore, jwt_secret: &str) {
    let me = "/admin/users/me";
    let (status, body, _) = call(store, Method::GET, me, As::Nobody, None).await;
    unauthorized(status, &body, "no credentials");

    let (status, login, _) = call(
        store,
        Method::POST,
        "/auth/user/emailpass",
        As::Nobody,
        Some(json!({ "email": ADMIN.0, "password": ADMIN.1 })),
    )
    .await;
    assert_eq!(status, 200, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();
    let (status, body, _) = call(store, Method::GET, me, As::Bearer(&token), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], ADMIN.0);
    let user_id = body["user"]["id"].as_str().unwrap().to_owned();
    let (status, users, _) = call(
        store,
        Method::GET,
        "/admin/users?q=medusa-test",
        As::Bearer(&token),
        None,
    )
    .await;
    assert_eq!((status, users["count"].clone()), (200, json!(1)), "{users}");

    // A customer is not a user; forged and expired tokens are nobody.
    let email = format!(
        "shopper+{}@example.com",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let (_, registration, _) = call(
        store,
        Method::POST,
        "/auth/customer/emailpass/register",
        As::Nobody,
        Some(json!({ "email": email, "password": "pw" })),
    )
    .await;
    let customer_token = registration["token"].as_str().unwrap().to_owned();
    let (status, body, _) = call(store, Method::GET, me, As::Bearer(&customer_token), None).await;
    unauthorized(status, &body, "customer token");
    let (status, body, _) = call(
        store,
        Method::GET,
        "/admin/api-keys",
        As::Bearer(&expired_token(jwt_secret, &user_id)),
        None,
    )
    .await;
    unauthorized(status, &body, "expired token");
    let (status, body, _) = call(
        store,
        Method::GET,
        "/admin/api-keys",
        As::Bearer(&expired_token("not-the-secret", &user_id)),
        None,
    )
    .await;
    unauthorized(status, &body, "forged token");

    // A session opened with the token works by cookie until it is closed.
    let (status, opened, cookie) = call(
        store,
        Method::POST,
        "/auth/session",
        As::Bearer(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["user"]["actor_type"], "user");
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.starts_with("connect.sid="), "{cookie}");
    let (status, body, _) = call(store, Method::GET, me, As::Cookie(&cookie), None).await;
    assert_eq!(
        (status, body["user"]["id"].clone()),
        (200, json!(user_id)),
        "{body}"
    );
    let (status, closed, _) = call(
        store,
        Method::DELETE,
        "/auth/session",
        As::Cookie(&cookie),
        None,
    )
    .await;
    assert_eq!((status, closed), (200, json!({ "success": true })));
    let (status, body, _) = call(store, Method::GET, me, As::Cookie(&cookie), None).await;
    unauthorized(status, &body, "closed session");
    let (status, body, _) = call(
        store,
        Method::DELETE,
        "/auth/session",
        As::Cookie(&cookie),
        None,
    )
    .await;
    unauthorized(status, &body, "closing twice");
    let (status, body, _) = call(
        store,
        Method::GET,
        me,
        As::Cookie("connect.sid=forged"),
        None,
    )
    .await;
    unauthorized(status, &body, "forged cookie");

    // A secret key: shown once, never listed, usable until revoked.
    let (status, created, _) = call(
        store,
        Method::POST,
        "/admin/api-keys",
        As::Bearer(&token),
        Some(json!({ "title": "CI", "type": "secret" })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let secret = created["api_key"]["token"].as_str().unwrap().to_owned();
    let secret_id = created["api_key"]["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("sk_") && secret.len() == 67, "{secret}");
    assert_eq!(created["api_key"]["created_by"], json!(user_id));
    let (status, keys, _) = call(
        store,
        Method::GET,
        "/admin/api-keys?type=secret",
        As::Key(&secret),
        None,
    )
    .await;
    assert_eq!(status, 200, "{keys}");
    let listed = keys["api_keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == secret_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(listed["token"], "", "a secret is never shown again");
    assert!(listed["redacted"].as_str().unwrap().contains("***"));
    let (status, body, _) = call(store, Method::GET, me, As::Key(&secret), None).await;
    unauthorized(status, &body, "users/me wants a user, not a key");
    let (status, body, _) = call(
        store,
        Method::GET,
        "/admin/api-keys",
        As::Key("sk_not_a_key"),
        None,
    )
    .await;
    unauthorized(status, &body, "unknown key");

    // Keys must be revoked before deletion; a revoked key opens nothing.
    let (status, refused, _) = call(
        store,
        Method::DELETE,
        &format!("/admin/api-keys/{secret_id}"),
        As::Bearer(&token),
        None,
    )
    .await;
    assert_eq!(
        (status, refused["type"].clone()),
        (400, json!("not_allowed")),
        "{refused}"
    );
    let (status, revoked, _) = call(
        store,
        Method::POST,
        &format!("/admin/api-keys/{secret_id}/revoke"),
        As::Bearer(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{revoked}");
    assert!(revoked["api_key"]["revoked_at"].is_string());
    let (status, body, _) = call(
        store,
        Method::GET,
        "/admin/api-keys",
        As::Key(&secret),
        None,
    )
    .await;
    unauthorized(status, &body, "revoked key");
    let (status, deleted, _) = call(
        store,
        Method::DELETE,
        &format!("/admin/api-keys/{secret_id}"),
        As::Bearer(&token),
        None,
    )
    .await;
    assert_eq!(
        (status, deleted),
        (
            200,
            json!({ "id": secret_id, "object": "api_key", "deleted": true })
        )
    );
    let (status, _, _) = call(
        store,
        Method::GET,
        &format!("/admin/api-keys/{secret_id}"),
        As::Bearer(&token),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // A new publishable key serves a storefront once it has a channel.
    let (_, seeded, _) = call(
        store,
        Method::GET,
        "/admin/api-keys?type=publishable&fields=id,*sales_channels",
        As::Bearer(&token),
        None,
    )
    .await;
    let channel = seeded["api_keys"][0]["sales_channels"][0]["id"]
        .as_str()
        .expect("the demo channel")
        .to_owned();
    let (status, created, _) = call(
        store,
        Method::POST,
        "/admin/api-keys",
        As::Bearer(&token),
        Some(json!({ "title": "Second storefront", "type": "publishable" })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let pk = created["api_key"]["token"].as_str().unwrap().to_owned();
    let pk_id = created["api_key"]["id"].as_str().unwrap().to_owned();
    let (status, linked, _) = call(
        store,
        Method::POST,
        &format!("/admin/api-keys/{pk_id}/sales-channels?fields=id,*sales_channels"),
        As::Bearer(&token),
        Some(json!({ "add": [channel] })),
    )
    .await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["api_key"]["sales_channels"][0]["id"], json!(channel));
    let storefront = store
        .host
        .client
        .get(store.host.url("/store/regions"))
        .header("x-publishable-api-key", &pk)
        .send()
        .await
        .unwrap();
    assert_eq!(storefront.status().as_u16(), 200);
    let (status, refused, _) = call(
        store,
        Method::POST,
        "/admin/api-keys",
        As::Bearer(&token),
        Some(json!({ "title": "x", "type": "secret" })),
    )
    .await;
    assert_eq!(status, 200);
    let sk_id = refused["api_key"]["id"].as_str().unwrap();
    let (status, body, _) = call(
        store,
        Method::POST,
        &format!("/admin/api-keys/{sk_id}/sales-channels"),
        As::Bearer(&token),
        Some(json!({ "add": [channel] })),
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            400,
            json!("Sales channels can only be associated with publishable API keys")
        )
    );
    let (status, body, _) = call(
        store,
        Method::POST,
        "/admin/api-keys",
        As::Bearer(&token),
        Some(json!({ "title": "x", "type": "secret", "extra": 1 })),
    )
    .await;
    assert_eq!(
        (status, body["type"].clone()),
        (400, json!("invalid_data")),
        "{body}"
    );
}

#[tokio::test]
async fn admin_routes_admit_users_sessions_and_secret_keys_only_on_sqlite() {
    admin_access(&DemoStore::start(None).await, "supersecret").await;
}

#[tokio::test]
async fn admin_routes_admit_users_sessions_and_secret_keys_only_on_postgres() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    admin_access(&DemoStore::start(Some(pg)).await, "test-jwt").await;
}
