//! Wasm plugins end to end: the example plugins (brand, loyalty) and a
//! hostile one, built from source, loaded by a real host process and driven
//! over HTTP and the event bus.

use std::time::Duration;

use medusa_tests::plugins::component;
use medusa_tests::store::DemoStore;
use medusa_tests::{HostProcess, Project, TestPostgres};
use serde_json::{Value, json};

const ADMIN: (&str, &str) = ("admin@medusa-test.com", "supersecret");

fn examples_config(database: Option<&str>) -> String {
    examples_config_from(database, &component("brand"), &component("loyalty"))
}

fn examples_config_from(database: Option<&str>, brand: &str, loyalty: &str) -> String {
    let db = database
        .map(|url| format!("[database]\nurl = \"{url}\"\n[http]\njwt_secret = \"test-jwt\"\ncookie_secret = \"test-cookie\"\n"))
        .unwrap_or_default();
    format!(
        "{db}\n[[plugins]]\nresolve = \"{brand}\"\ngrants = {{ modules = [\"product\"] }}\n\n[[plugins]]\nresolve = \"{loyalty}\"\ngrants = {{ modules = [\"order\"] }}\n"
    )
}

async fn admin_token(store: &DemoStore) -> String {
    let (status, body) = store
        .post(
            "/auth/user/emailpass",
            json!({ "email": ADMIN.0, "password": ADMIN.1 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().expect("token").to_owned()
}

/// Like [`eventually`], printing `context()` (the host's log) on failure.
async fn eventually_or<T, F, Fut>(what: &str, context: impl Fn() -> String, f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    match tokio::time::timeout(Duration::from_secs(9), eventually(what, f)).await {
        Ok(value) => value,
        Err(_) => panic!("timed out waiting for {what}; host log:\n{}", context()),
    }
}

/// Polls `f` until it returns `Some`, for at most ten seconds.
async fn eventually<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..100 {
        if let Some(value) = f().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn cms_brand_ids(store: &DemoStore, token: &str) -> Vec<String> {
    let (status, body) = store.get_as("/admin/cms/brands", token).await;
    assert_eq!(status, 200, "{body}");
    body["cms_brands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["brand_id"].as_str().map(str::to_owned))
        .collect()
}

/// The steps of the last reverted `sync-brands-to-cms` execution, with their states.
async fn journal_of_last_revert(store: &DemoStore) -> Vec<(String, String)> {
    let sql = "SELECT s.step_id, s.state FROM workflow_step s JOIN workflow_execution e ON e.id = s.execution_id \
               WHERE e.workflow_id = 'sync-brands-to-cms' AND e.state = 'reverted' \
               AND e.created_at = (SELECT MAX(created_at) FROM workflow_execution WHERE workflow_id = 'sync-brands-to-cms' AND state = 'reverted') \
               ORDER BY s.position";
    match &store.database_url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
        }
        None => {
            let url = format!("sqlite://{}", store.project.file("medusa.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
        }
    }
}

async fn brand_journey(store: &DemoStore) {
    let token = admin_token(store).await;

    // Admin routes need a user.
    let (status, _) = store.post("/admin/brands", json!({ "name": "Acme" })).await;
    assert_eq!(status, 401);
    let (status, body) = store
        .post_as("/admin/brands", json!({ "name": " " }), &token)
        .await;
    assert_eq!(
        (status, body["type"].as_str()),
        (400, Some("invalid_data")),
        "{body}"
    );
    let (status, body) = store
        .post_as("/admin/brands", json!({ "name": "Acme" }), &token)
        .await;
    assert_eq!(status, 200, "{body}");
    let brand_id = body["brand"]["id"].as_str().unwrap().to_owned();
    assert!(brand_id.starts_with("brand_"), "{brand_id}");

    // Store route, behind the publishable key.
    let (status, body) = store.get("/store/brands").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["brands"][0]["name"], "Acme");
    assert_eq!(
        (body["count"].clone(), body["limit"].clone()),
        (json!(1), json!(50))
    );
    let (_, page) = store.get("/store/brands?limit=1&offset=1").await;
    assert_eq!(page["brands"], json!([]), "{page}");
    assert_eq!(
        (page["count"].clone(), page["offset"].clone()),
        (json!(1), json!(1))
    );

    // Link a product to the brand; `fields=+brand.*` shows it.
    let (_, products) = store.get("/store/products?limit=1").await;
    let product_id = products["products"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = store
        .post_as(
            &format!("/admin/products/{product_id}/brand"),
            json!({ "brand_id": brand_id }),
            &token,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = store
        .get(&format!(
            "/store/products?id[]={product_id}&fields=+brand.*"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["products"][0]["brand"]["name"], "Acme", "{body}");
    let (_, body) = store
        .get_as(&format!("/admin/brands/{brand_id}"), &token)
        .await;
    assert_eq!(body["brand"]["products"][0]["id"], product_id.as_str());

    // The products-created hook links a new product to the brand named in
    // `additional_data`, in the same workflow; an unknown brand fails it and
    // nothing is created.
    let (status, body) = store
        .post_as(
            "/admin/products",
            json!({ "title": "Acme Anvil", "additional_data": { "brand_id": brand_id } }),
            &token,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let anvil = body["product"]["id"].as_str().unwrap().to_owned();
    let (_, body) = store
        .get_as(
            &format!("/admin/products/{anvil}?fields=id,+brand.*"),
            &token,
        )
        .await;
    assert_eq!(body["product"]["brand"]["id"], brand_id.as_str(), "{body}");
    let (status, body) = store
        .post_as(
            "/admin/products",
            json!({ "title": "Nobody's Hammer", "additional_data": { "brand_id": "brand_missing" } }),
            &token,
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (_, body) = store.get_as("/admin/products?q=Hammer", &token).await;
    assert_eq!(body["count"], 0, "rolled back: {body}");

    // The subscriber on brand.created synced it to the CMS through the workflow.
    let id = brand_id.clone();
    eventually("the new brand in the CMS", || async {
        cms_brand_ids(store, &token)
            .await
            .contains(&id)
            .then_some(())
    })
    .await;

    // A failing later step compensates the CMS step, and the journal shows it.
    let (status, _) = store.delete_as("/admin/cms/brands", &token).await;
    assert_eq!(status, 200);
    let (status, body) = store
        .post_as(
            "/admin/brands/sync",
            json!({ "fail_at": "publish" }),
            &token,
        )
        .await;
    assert_eq!(status, 500, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("refused to publish"),
        "{body}"
    );
    assert!(
        cms_brand_ids(store, &token).await.is_empty(),
        "compensated: nothing left in the CMS"
    );
    let journal = journal_of_last_revert(store).await;
    assert_eq!(
        journal,
        vec![
            // No compensation declared: nothing to undo.
            ("retrieve-brands".to_owned(), "done".to_owned()),
            ("create-brands-in-cms".to_owned(), "compensated".to_owned()),
            ("publish-cms".to_owned(), "failed".to_owned()),
        ],
        "the journal shows the failed step and the compensations"
    );
    let (status, body) = store.post_as("/admin/brands/sync", json!({}), &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(cms_brand_ids(store, &token).await, vec![brand_id.clone()]);

    // Update and delete.
    let (status, body) = store
        .post_as(
            &format!("/admin/brands/{brand_id}"),
            json!({ "name": "Acme Co" }),
            &token,
        )
        .await;
    assert_eq!(
        (status, body["brand"]["name"].as_str()),
        (200, Some("Acme Co"))
    );
    let (status, body) = store
        .delete_as(&format!("/admin/brands/{brand_id}"), &token)
        .await;
    assert_eq!(
        (status, body["deleted"].as_bool()),
        (200, Some(true)),
        "{body}"
    );
    let (status, body) = store
        .get_as(&format!("/admin/brands/{brand_id}"), &token)
        .await;
    assert_eq!(
        (status, body["type"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );

    // Plugin routes are documented.
    let docs: Value = store.host.get("/openapi.json").await.json().await.unwrap();
    assert!(
        docs["paths"]["/admin/brands/{id}"].is_object(),
        "openapi lists plugin routes"
    );
}

async fn loyalty_journey(store: &DemoStore) {
    let (status, body) = store.get("/store/customers/me/loyalty").await;
    assert_eq!(status, 401, "{body}");
    let email = "loyal@example.com";
    let (_, reg) = store
        .post(
            "/auth/customer/emailpass/register",
            json!({ "email": email, "password": "pw-123456" }),
        )
        .await;
    let reg_token = reg["token"].as_str().unwrap().to_owned();
    let (status, body) = store
        .post_as(
            "/store/customers",
            json!({ "email": email, "first_name": "Lo" }),
            &reg_token,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let customer_id = body["customer"]["id"].as_str().unwrap().to_owned();
    let (_, login) = store
        .post(
            "/auth/customer/emailpass",
            json!({ "email": email, "password": "pw-123456" }),
        )
        .await;
    let token = login["token"].as_str().unwrap().to_owned();

    let region = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let (_, products) = store
        .get(&format!("/store/products?limit=1&region_id={region}"))
        .await;
    let variant = products["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cart = store.ready_cart(&region, &variant, 2).await;
    let (status, _) = store
        .post_as(&format!("/store/carts/{cart}/customer"), json!({}), &token)
        .await;
    assert_eq!(status, 200);
    let order = store
        .ok(&format!("/store/carts/{cart}/complete"), json!({}))
        .await;
    let total = order["order"]["item_subtotal"].as_f64().unwrap();

    let points = eventually_or(
        "points for the order",
        || store.host.stderr(),
        || async {
            let (status, body) = store.get_as("/store/customers/me/loyalty", &token).await;
            assert_eq!(status, 200, "{body}");
            body["loyalty"]["points"].as_i64().filter(|p| *p > 0)
        },
    )
    .await;
    assert_eq!(
        points,
        total.floor() as i64,
        "one point per whole unit of {total}"
    );

    let admin = admin_token(store).await;
    let (status, body) = store
        .post_as(
            &format!("/admin/loyalty/{customer_id}/adjust"),
            json!({ "points": 10 }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["loyalty"]["points"].as_i64(), Some(points + 10));
    let (status, _) = store
        .post_as(
            &format!("/admin/loyalty/{customer_id}/adjust"),
            json!({ "points": 10 }),
            &token,
        )
        .await;
    assert_eq!(status, 401, "a customer token is not an admin");
}

#[tokio::test]
async fn example_plugins_on_sqlite() {
    let store = DemoStore::in_project(Project::new(&examples_config(None)), None).await;
    brand_journey(&store).await;
    loyalty_journey(&store).await;
}

#[tokio::test]
async fn example_plugins_on_postgres() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    let project = Project::new(&examples_config(Some(&pg.url)));
    let store = DemoStore::in_project(project, Some(pg)).await;
    brand_journey(&store).await;
    loyalty_journey(&store).await;
}

/// Components built by Debian's fallback toolchain (`wasm32-unknown-unknown`,
/// no WASI) load and serve like `wasm32-wasip2` ones. Skipped (with a note)
/// where that toolchain cannot be installed, unless services are required.
#[tokio::test]
async fn example_plugins_built_by_the_debian_toolchain() {
    use medusa_host::plugins::build::Toolchain;
    if !Toolchain::Debian.available() {
        assert!(
            !medusa_tests::services_required(),
            "Debian's rustc-web toolchain cannot be installed here"
        );
        eprintln!("skipped: Debian's rustc-web toolchain is not installable here");
        return;
    }
    let dir = medusa_tests::plugins::build_with(Toolchain::Debian);
    assert!(
        dir.ends_with("wasm32-unknown-unknown/release"),
        "{}",
        dir.display()
    );
    let path = |name: &str| dir.join(format!("{name}.wasm")).display().to_string();
    let inspected = Project::new("")
        .run(&["plugin", "inspect", &path("brand")])
        .await;
    inspected.assert_code(0);
    assert!(
        inspected.stdout.contains("imports: medusa:plugin/") && !inspected.stdout.contains("wasi:"),
        "our imports and no WASI: {}",
        inspected.stdout
    );
    let config = examples_config_from(None, &path("brand"), &path("loyalty"));
    let store = DemoStore::in_project(Project::new(&config), None).await;
    brand_journey(&store).await;
    loyalty_journey(&store).await;
}

fn hostile_project() -> Project {
    let project = Project::new(&format!(
        "[[plugins]]\nresolve = \"{}\"\ngrants = {{ modules = [\"product\", \"cart\"], directories = [\"granted-dir\"], env = [\"HOSTILE_GRANTED\"], http_hosts = [\"127.0.0.1\", \"example.com\"] }}\nlimits = {{ timeout_ms = 500, memory_mb = 32, max_concurrency = 2 }}\n",
        component("hostile")
    ));
    std::fs::create_dir_all(project.file("granted-dir")).unwrap();
    project.env("HOSTILE_GRANTED", "yes").env("HOME", "/root")
}

async fn get(host: &HostProcess, path: &str) -> (u16, Value) {
    let res = host.get(path).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_hostile_plugin_is_stopped_or_denied_and_the_host_keeps_serving() {
    let store = DemoStore::in_project(hostile_project(), None).await;
    let (host, project) = (&store.host, &store.project);
    let alive = || async {
        assert_eq!(get(host, "/hostile/ok").await.0, 200);
        assert_eq!(host.get("/health").await.status(), 200);
    };

    let (status, body) = get(host, "/hostile/loop").await;
    assert_eq!(status, 500, "{body}");
    assert!(
        message(&body)
            .contains("plugin hostile: route /hostile/loop exceeded its 500 ms deadline (request "),
        "{body}"
    );
    alive().await;

    let (status, body) = get(host, "/hostile/sleep").await;
    assert_eq!(status, 500, "{body}");
    assert!(
        message(&body).contains("deadline"),
        "a blocked host call is cut off too: {body}"
    );

    let (status, body) = get(host, "/hostile/memory").await;
    assert_eq!(status, 500, "{body}");
    assert!(
        message(&body).contains("memory limit of 32 MiB exceeded"),
        "{body}"
    );
    alive().await;

    let (status, body) = get(host, "/hostile/panic").await;
    assert_eq!(status, 500, "{body}");
    assert!(message(&body).contains("panicked"), "{body}");
    assert!(
        message(&body).contains("hostile plugin panics on purpose"),
        "stderr attached: {body}"
    );
    alive().await;

    let (status, body) = get(host, "/hostile/customers").await;
    assert_eq!(
        (status, body["type"].as_str()),
        (400, Some("not_allowed")),
        "{body}"
    );
    assert!(
        message(&body).contains("may not reach module customer"),
        "{body}"
    );
    let (status, body) = get(host, "/hostile/products").await;
    assert_eq!(status, 200, "a granted module is reachable: {body}");

    let (status, body) = get(host, "/hostile/escape").await;
    assert_eq!(
        (status, body["type"].as_str()),
        (400, Some("not_allowed")),
        "{body}"
    );
    assert!(
        message(&body).contains("running as module hostile cannot reach module vault"),
        "{body}"
    );

    let (status, body) = get(host, "/hostile/file").await;
    assert_eq!(status, 200);
    assert!(
        body["denied"].is_string(),
        "no file system by default: {body}"
    );
    let (status, body) = get(host, "/hostile/granted-file").await;
    assert_eq!(
        (status, body["read"].as_str()),
        (200, Some("written by a plugin")),
        "{body}"
    );
    assert!(project.file("granted-dir/note.txt").is_file());

    let (_, body) = get(host, "/hostile/env").await;
    assert_eq!(body, json!({ "home": null, "granted": "yes" }));

    // Outbound HTTP: a granted host answers; a host requested but not
    // granted, or granted but not requested, or a non-HTTP URL is refused.
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_port = upstream.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = upstream.accept().await {
            let mut buf = [0u8; 2048];
            let _ = socket.read(&mut buf).await;
            let body = "hello from upstream";
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    let (status, body) = get(
        host,
        &format!("/hostile/fetch?url=http://127.0.0.1:{upstream_port}/hello"),
    )
    .await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({ "status": 200, "body": "hello from upstream" })),
        "{body}"
    );
    for url in [
        "http://ungranted.example/",
        "http://example.com/",
        "http://localhost:1/",
    ] {
        let (status, body) = get(host, &format!("/hostile/fetch?url={url}")).await;
        assert_eq!(
            (status, body["type"].as_str()),
            (400, Some("not_allowed")),
            "{url}: {body}"
        );
        assert!(message(&body).contains("grants.http_hosts"), "{body}");
    }
    let (status, body) = get(host, "/hostile/fetch?url=file:///etc/passwd").await;
    assert_eq!(
        (status, body["type"].as_str()),
        (400, Some("invalid_data")),
        "{body}"
    );

    let (status, body) = get(host, "/hostile/garbage").await;
    assert_eq!(status, 500, "{body}");
    assert!(message(&body).contains("invalid answer"), "{body}");

    let (status, body) = get(host, "/hostile/emit").await;
    assert_eq!(
        (status, body["type"].as_str()),
        (400, Some("not_allowed")),
        "{body}"
    );

    // Concurrency limit: a third call while two loop is refused at once.
    let calls = (0..3).map(|_| get(host, "/hostile/loop"));
    let statuses: Vec<u16> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 503).count(),
        1,
        "{statuses:?}"
    );

    // A route colliding with a native one is refused at start-up (logged), not mounted.
    assert!(
        host.stderr()
            .contains("plugin route not mounted: it collides with a native route"),
        "{}",
        host.stderr()
    );

    // Its hook on complete-cart's `validate` refuses blocked buyers, and only them.
    let region = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let (_, products) = store
        .get(&format!("/store/products?limit=1&region_id={region}"))
        .await;
    let variant = products["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blocked = store.ready_cart(&region, &variant, 1).await;
    store
        .ok(
            &format!("/store/carts/{blocked}"),
            json!({ "email": "x@blocked.test" }),
        )
        .await;
    let (status, body) = store
        .post(&format!("/store/carts/{blocked}/complete"), json!({}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("buyer_blocked")),
        "{body}"
    );
    let fine = store.ready_cart(&region, &variant, 1).await;
    let (status, body) = store
        .post(&format!("/store/carts/{fine}/complete"), json!({}))
        .await;
    assert_eq!(
        (status, body["type"].as_str()),
        (200, Some("order")),
        "{body}"
    );

    // The job runs every second.
    eventually("a heartbeat from the plugin job", || async {
        let (_, body) = get(host, "/hostile/beats").await;
        body["beats"].as_u64().filter(|n| *n > 0)
    })
    .await;
    alive().await;
}

#[tokio::test]
async fn plugin_inspect_describes_a_component() {
    let out = Project::new("")
        .run(&["plugin", "inspect", &component("brand")])
        .await;
    out.assert_code(0);
    for expected in [
        "plugin brand",
        "module brand: models brand",
        "service methods: clear, create_brands, delete_brands, list_brands",
        "link product.product <-> brand.brand",
        "route POST /admin/brands",
        "subscriber sync-new-brand: brand.created",
        "workflow sync-brands-to-cms: retrieve-brands -> create-brands-in-cms (compensates) -> publish-cms",
        "job sync-brands-daily",
        "requests: modules [product]",
        "imports: ",
        "medusa:plugin/",
    ] {
        assert!(
            out.stdout.contains(expected),
            "{expected:?} in\n{}",
            out.stdout
        );
    }
    let out = Project::new("")
        .run(&["plugin", "inspect", "/nonexistent.wasm"])
        .await;
    assert_ne!(out.code, 0);
}

#[tokio::test]
async fn an_ungranted_module_stays_closed_even_when_requested() {
    // The brand plugin requests `product`; without the grant, linking fails cleanly.
    let config = format!("[[plugins]]\nresolve = \"{}\"\n", component("brand"));
    let store = DemoStore::in_project(Project::new(&config), None).await;
    let (status, body) = store.get("/store/brands").await;
    assert_eq!(
        (status, body["type"].as_str()),
        (400, Some("not_allowed")),
        "{body}"
    );
    assert!(
        store.host.stderr().contains("requested but not granted"),
        "the load warns"
    );
}

#[tokio::test]
async fn plugin_new_scaffolds_a_crate_that_builds_and_loads() {
    medusa_tests::plugins::built(); // the wasm target is installed
    let project = Project::new("");
    project
        .run(&["plugin", "new", "hello-world"])
        .await
        .assert_code(0);
    assert!(project.file("hello-world/src/lib.rs").is_file());
    let out = project
        .run_for(
            &["plugin", "build", "hello-world"],
            Duration::from_secs(600),
        )
        .await;
    out.assert_code(0);
    assert!(
        out.stdout.contains("plugin hello-world 0.1.0"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("route GET /store/hello-world"),
        "{}",
        out.stdout
    );
    let out = project.run(&["plugin", "new", "Bad Name"]).await;
    assert_eq!(out.code, 65, "{}", out.stderr);
}
