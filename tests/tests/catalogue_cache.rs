//! The store catalogue's response cache: repeated reads are served from it,
//! and any committed change to what they show (here: stock reserved by a
//! checkout) is visible on the very next read, on this host and, through
//! Redis, on another host sharing the database.

use medusa_tests::store::DemoStore;
use medusa_tests::{HostProcess, Project, TestPostgres, redis_url};
use serde_json::{Value, json};

/// GET with the store's key; returns the `x-cache` header and the body.
async fn cached_get(host: &HostProcess, key: &str, path: &str) -> (Option<String>, Value) {
    let res = host
        .client
        .get(host.url(path))
        .header("x-publishable-api-key", key)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200, "GET {path}");
    let cache = res
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (cache, res.json().await.expect("json"))
}

fn stock(body: &Value, variant: &str) -> i64 {
    body["products"][0]["variants"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["id"] == variant)
        .and_then(|v| v["inventory_quantity"].as_i64())
        .expect("inventory_quantity")
}

/// The beanie's first variant and the path listing it with its stock.
async fn beanie(store: &DemoStore) -> (String, String, String) {
    let region = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let path = format!(
        "/store/products?handle=limited-beanie&region_id={region}&fields=+variants.inventory_quantity"
    );
    let (_, list) = store.get(&path).await;
    let variant = list["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (region, variant, path)
}

#[tokio::test]
async fn repeated_reads_hit_and_a_checkout_invalidates() {
    let store = DemoStore::start(None).await;
    let (region, variant, path) = beanie(&store).await;
    let (_, first) = cached_get(&store.host, &store.key, &path).await;
    let (cache, second) = cached_get(&store.host, &store.key, &path).await;
    assert_eq!(cache.as_deref(), Some("HIT"));
    assert_eq!(first, second, "a hit answers what the miss computed");
    let before = stock(&second, &variant);

    // Another key or another query is another entry.
    let (cache, _) = cached_get(&store.host, &store.key, &format!("{path}&limit=5")).await;
    assert_eq!(cache.as_deref(), Some("MISS"));
    let (status, body) = store.get(&path.replace("limited-beanie", "nope")).await;
    assert_eq!(status, 200, "{body}");

    let cart = store.ready_cart(&region, &variant, 2).await;
    store
        .ok(&format!("/store/carts/{cart}/complete"), json!({}))
        .await;
    let (cache, after) = cached_get(&store.host, &store.key, &path).await;
    assert_eq!(
        cache.as_deref(),
        Some("MISS"),
        "the reservation invalidated it"
    );
    assert_eq!(stock(&after, &variant), before - 2);

    // Credentials bypass the cache; a wrong key is still refused.
    let res = store
        .host
        .client
        .get(store.host.url(&path))
        .header("x-publishable-api-key", &store.key)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("x-cache").is_none());
    let res = store
        .host
        .client
        .get(store.host.url(&path))
        .header("x-publishable-api-key", "pk_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_change_on_one_host_reaches_the_other_hosts_cache_through_redis() {
    let (Some(pg), Some(redis)) = (TestPostgres::create().await, redis_url().await) else {
        return;
    };
    let namespace = format!("cache-test-{}", ulid::Ulid::new());
    let config = format!(
        "[database]\nurl = \"{}\"\n[redis]\nurl = \"{redis}\"\n[events]\nredis_namespace = \"{namespace}\"\n[http]\njwt_secret = \"test-jwt\"\ncookie_secret = \"test-cookie\"\n",
        pg.url
    );
    let store = DemoStore::in_project(Project::new(&config), Some(pg)).await;
    let other = store.project.spawn(&["start"]).await;
    let (region, variant, path) = beanie(&store).await;

    cached_get(&other, &store.key, &path).await;
    let (cache, before) = cached_get(&other, &store.key, &path).await;
    assert_eq!(cache.as_deref(), Some("HIT"));
    let before = stock(&before, &variant);

    let cart = store.ready_cart(&region, &variant, 1).await;
    store
        .ok(&format!("/store/carts/{cart}/complete"), json!({}))
        .await;
    // The notice travels through Redis: allow it a moment, never a stale answer for long.
    let mut seen = before;
    for _ in 0..50 {
        let (_, body) = cached_get(&other, &store.key, &path).await;
        seen = stock(&body, &variant);
        if seen == before - 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, before - 1, "the other host dropped its stale entry");
}
