//! HTTP behaviour of a running host: health, error envelope, CORS per route
//! family, request ids, OpenAPI and structured logs.

use medusa_tests::{HostProcess, Project};
use serde_json::{Value, json};

async fn host() -> (Project, HostProcess) {
    let project = Project::new(
        "[http]\nstore_cors = \"http://shop.test\"\nadmin_cors = [\"http://admin.test\"]\nauth_cors = \"http://shop.test,http://admin.test\"\n",
    );
    let host = project.spawn(&["develop"]).await;
    (project, host)
}

#[tokio::test]
async fn health_answers_ok() {
    let (_project, host) = host().await;
    let res = host.get("/health").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "OK");
}

#[tokio::test]
async fn unknown_routes_get_medusa_error_envelope() {
    let (_project, host) = host().await;
    for path in ["/nope", "/store/nope", "/admin/nope", "/auth/nope"] {
        let res = host.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body,
            json!({"type": "not_found", "message": format!("Route GET {path} does not exist")})
        );
    }
    let res = host
        .client
        .delete(host.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["type"], "not_allowed");
}

async fn preflight(host: &HostProcess, path: &str, origin: &str) -> Option<String> {
    let res = host
        .client
        .request(reqwest::Method::OPTIONS, host.url(path))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-publishable-api-key",
        )
        .send()
        .await
        .unwrap();
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn cors_follows_each_route_family() {
    let (_project, host) = host().await;
    assert_eq!(
        preflight(&host, "/store/products", "http://shop.test")
            .await
            .as_deref(),
        Some("http://shop.test")
    );
    assert_eq!(
        preflight(&host, "/store/products", "http://admin.test").await,
        None
    );
    assert_eq!(
        preflight(&host, "/admin/products", "http://admin.test")
            .await
            .as_deref(),
        Some("http://admin.test")
    );
    assert_eq!(
        preflight(&host, "/admin/products", "http://shop.test").await,
        None
    );
    assert_eq!(
        preflight(&host, "/auth/customer/emailpass", "http://shop.test")
            .await
            .as_deref(),
        Some("http://shop.test")
    );
    assert_eq!(
        preflight(&host, "/auth/user/emailpass", "http://admin.test")
            .await
            .as_deref(),
        Some("http://admin.test")
    );
    assert_eq!(
        preflight(&host, "/auth/user/emailpass", "http://evil.test").await,
        None
    );

    // Simple requests carry the header too, with credentials allowed.
    let res = host
        .client
        .get(host.url("/store/x"))
        .header("origin", "http://shop.test")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "http://shop.test"
    );
    assert_eq!(res.headers()["access-control-allow-credentials"], "true");
}

#[tokio::test]
async fn request_ids_are_generated_kept_and_logged() {
    let (_project, host) = host().await;
    let res = host.get("/health").await;
    let generated = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(
        generated.starts_with("req_") && generated.len() == 30,
        "{generated}"
    );

    let res = host
        .client
        .get(host.url("/store/missing"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-abc-123");

    // Logs are JSON lines (stderr is not a terminal) carrying the request id.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let logged = host
        .stderr()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .any(|line| line["span"]["request_id"] == "trace-abc-123" && line["status"] == 404);
    assert!(
        logged,
        "no JSON log line with the request id:\n{}",
        host.stderr()
    );
}

#[tokio::test]
async fn openapi_document_lists_routes() {
    let (_project, host) = host().await;
    let doc: Value = host.get("/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/health"]["get"].is_object(), "{doc}");
    assert!(
        doc["components"]["schemas"]["ErrorBody"].is_object(),
        "{doc}"
    );
}
