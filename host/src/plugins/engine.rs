//! The one wasmtime engine of a host: component model, async host calls,
//! epoch interruption for deadlines, the pooling allocator, and an on-disk
//! cache of compiled artifacts (keyed by wasm hash and engine settings, so a
//! restart loads plugins without compiling them again).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
};

/// How often the epoch advances: the granularity of deadlines, and how often
/// a busy guest yields its thread back to the runtime.
pub const EPOCH_TICK: Duration = Duration::from_millis(2);

/// Instances that may be alive at once across every plugin.
const INSTANCE_SLOTS: u32 = 128;

/// The engine and the thread that advances its epoch.
pub struct PluginEngine {
    engine: Engine,
    stop: Arc<AtomicBool>,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot configure the compiled-plugin cache in {dir}: {message}")]
    Cache { dir: String, message: String },
    #[error("cannot create the wasm engine: {0}")]
    Engine(String),
}

impl PluginEngine {
    /// An engine whose instances may use up to `max_memory_bytes` of linear
    /// memory each, caching compiled plugins under `cache_dir`.
    pub fn new(cache_dir: &Path, max_memory_bytes: usize) -> Result<Self, EngineError> {
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .max_wasm_stack(1024 * 1024)
            .async_stack_size(2 * 1024 * 1024);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(INSTANCE_SLOTS)
            .total_core_instances(INSTANCE_SLOTS * 8)
            .total_memories(INSTANCE_SLOTS * 2)
            .total_tables(INSTANCE_SLOTS * 4)
            .total_stacks(INSTANCE_SLOTS)
            .max_memory_size(max_memory_bytes.max(1024 * 1024));
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

        let cache_error = |message: String| EngineError::Cache {
            dir: cache_dir.display().to_string(),
            message,
        };
        std::fs::create_dir_all(cache_dir).map_err(|e| cache_error(e.to_string()))?;
        let mut cache = CacheConfig::new();
        cache.with_directory(cache_dir);
        config.cache(Some(
            Cache::new(cache).map_err(|e| cache_error(e.to_string()))?,
        ));

        let engine = Engine::new(&config).map_err(|e| EngineError::Engine(format!("{e:#}")))?;
        let stop = Arc::new(AtomicBool::new(false));
        let ticking = engine.clone();
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("wasm-epoch".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    ticking.increment_epoch();
                }
            })
            .map_err(|e| EngineError::Engine(format!("cannot start the epoch thread: {e}")))?;
        Ok(Self { engine, stop })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

impl Drop for PluginEngine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
