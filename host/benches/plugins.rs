//! Plugin runtime benchmarks (`cargo bench -p medusa-host --bench plugins`):
//! time to load the example plugins from a cold and a warm compile cache, and
//! the latency a plugin route adds over the same route written natively
//! (one fresh instance per call, as the host serves requests).
//!
//! Needs the plugins built first: `cargo build --release --target
//! wasm32-wasip2 --manifest-path plugins/Cargo.toml` (scripts/bench/plugins
//! does it). Figures go to docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use medusa_host::config::{Config, PluginConfig};
use medusa_host::plugins::PluginHost;
use medusa_host::plugins::exports::RouteAnswer;

fn config(dir: &Path, cache: &Path, names: &[&str]) -> Config {
    Config {
        project_dir: cache.to_path_buf(),
        plugins: names
            .iter()
            .map(|n| PluginConfig {
                resolve: dir.join(format!("{n}.wasm")),
                source: None,
                options: Default::default(),
                grants: Default::default(),
                limits: Default::default(),
            })
            .collect(),
        ..Default::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(label: &str, mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let (p50, p99) = (percentile(&samples, 0.50), percentile(&samples, 0.99));
    println!(
        "{label:<40} n={:<6} p50={:>8.1} µs  p99={:>8.1} µs",
        samples.len(),
        p50.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6
    );
    (p50, p99)
}

/// The native twin of the hostile plugin's `/hostile/ok`: build the same answer.
fn native_ok() -> RouteAnswer {
    RouteAnswer {
        status: 200,
        body: serde_json::json!({ "ok": true }),
    }
}

#[tokio::main]
async fn main() {
    let dir = std::env::args()
        .nth(1)
        .filter(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../plugins/target/wasm32-wasip2/release")
        });
    let cache = std::env::temp_dir().join(format!("medusa-bench-{}", std::process::id()));
    let names = ["brand", "loyalty", "hostile"];

    let started = Instant::now();
    let cold = PluginHost::load(&config(&dir, &cache, &names)).await;
    let cold_time = started.elapsed();
    if let Err(e) = &cold {
        eprintln!("cannot load the plugins from {}: {e}", dir.display());
        std::process::exit(1);
    }
    drop(cold);
    let started = Instant::now();
    let warm = PluginHost::load(&config(&dir, &cache, &names))
        .await
        .ok()
        .flatten();
    let warm_time = started.elapsed();
    println!(
        "load {} plugins: cold cache {:.0} ms, warm cache {:.0} ms",
        names.len(),
        cold_time.as_secs_f64() * 1e3,
        warm_time.as_secs_f64() * 1e3
    );
    let Some(host) = warm else { return };
    let Some(hostile) = host.plugins.iter().find(|p| p.shared.name == "hostile") else {
        return;
    };

    let rounds = 5_000;
    let mut native = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        let answer = native_ok();
        std::hint::black_box(serde_json::to_vec(&answer.body).ok());
        native.push(t.elapsed());
    }
    for _ in 0..200 {
        let _ = hostile.call_route_get("/hostile/ok").await;
    }
    let mut plugin = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        let answer = hostile.call_route_get("/hostile/ok").await;
        if let Ok(answer) = &answer {
            std::hint::black_box(serde_json::to_vec(&answer.body).ok());
        }
        plugin.push(t.elapsed());
    }
    let (n50, n99) = report("native GET /hostile/ok (handler only)", native);
    let (p50, p99) = report("plugin GET /hostile/ok (handler only)", plugin);
    println!(
        "added by the plugin boundary: p50 {:.1} µs, p99 {:.1} µs",
        (p50.saturating_sub(n50)).as_secs_f64() * 1e6,
        (p99.saturating_sub(n99)).as_secs_f64() * 1e6
    );
    let _ = std::fs::remove_dir_all(&cache);
}
