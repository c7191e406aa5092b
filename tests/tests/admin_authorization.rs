//! Every `/admin` route in `/openapi.json` (issue 6), with every method it
//! documents, answers `401 {"message":"Unauthorized"}` to a caller without
//! credentials, with a customer's token, with a revoked secret key, with an
//! expired user token and with a token signed by another secret; and a route
//! of each family admits the admin.

use base64::Engine;
use medusa_tests::store::DemoStore;
use reqwest::Method;
use serde_json::{Value, json};

const JWT_SECRET: &str = "supersecret";

fn token(secret: &str, user_id: &str, expires_in: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "actor_id": user_id, "actor_type": "user", "auth_identity_id": "authid_x",
                         "app_metadata": {}, "iat": now - 60, "exp": now + expires_in });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

enum Credential {
    Nothing,
    Bearer(String),
    Key(String),
}

async fn call(store: &DemoStore, method: Method, path: &str, who: &Credential) -> (u16, Value) {
    let mut req = store
        .host
        .client
        .request(method.clone(), store.host.url(path));
    req = match who {
        Credential::Nothing => req,
        Credential::Bearer(t) => req.bearer_auth(t),
        Credential::Key(k) => req.header(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{k}:"))
            ),
        ),
    };
    if method == Method::POST {
        req = req.json(&json!({}));
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_admin_route_refuses_strangers() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let (_, me) = store.get_as("/admin/users/me", &admin).await;
    let user_id = me["user"]["id"].as_str().unwrap().to_owned();
    let customer = store.customer_token().await;
    let (status, key) = store
        .post_as(
            "/admin/api-keys",
            json!({ "title": "CI", "type": "secret" }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{key}");
    let secret = key["api_key"]["token"].as_str().unwrap().to_owned();
    let key_id = key["api_key"]["id"].as_str().unwrap().to_owned();
    let revoked = store
        .post_as(
            &format!("/admin/api-keys/{key_id}/revoke"),
            json!({}),
            &admin,
        )
        .await;
    assert_eq!(revoked.0, 200, "{}", revoked.1);

    let strangers = [
        ("no credentials", Credential::Nothing),
        ("a customer's token", Credential::Bearer(customer)),
        ("a revoked secret key", Credential::Key(secret)),
        (
            "an expired user token",
            Credential::Bearer(token(JWT_SECRET, &user_id, -3600)),
        ),
        (
            "a token signed with another secret",
            Credential::Bearer(token("not-the-secret", &user_id, 3600)),
        ),
    ];

    let (_, spec) = store.get("/openapi.json").await;
    let paths = spec["paths"].as_object().expect("paths");
    let mut checked = 0;
    let mut families = std::collections::BTreeSet::new();
    for (path, item) in paths.iter().filter(|(p, _)| p.starts_with("/admin/")) {
        let concrete: String = path
            .split('/')
            .map(|part| {
                if part.starts_with('{') {
                    "x_missing"
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        families.insert(path.split('/').nth(2).unwrap_or_default().to_owned());
        for (name, method) in [
            ("get", Method::GET),
            ("post", Method::POST),
            ("delete", Method::DELETE),
        ] {
            if item.get(name).is_none() {
                continue;
            }
            for (who, credential) in &strangers {
                let (status, body) = call(&store, method.clone(), &concrete, credential).await;
                assert_eq!(
                    (status, &body),
                    (401, &json!({ "message": "Unauthorized" })),
                    "{method} {path} with {who}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        families.len() >= 15,
        "admin families documented: {families:?}"
    );
    assert!(checked >= 5 * 60, "{checked} requests checked");

    // The admin gets past the door of every family's list route.
    for family in &families {
        let path = format!("/admin/{family}");
        let Some(item) = paths.get(&path) else {
            continue;
        };
        if item.get("get").is_none() {
            continue;
        }
        let (status, body) = store.get_as(&path, &admin).await;
        assert_eq!(status, 200, "GET {path} as the admin: {body}");
    }
}
