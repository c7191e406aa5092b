//! Rust bindings of `wit/plugin.wit` (world `plugin`), generated at build
//! time. Host imports are async (they reach the database); exports are called
//! with `call_async`.

wasmtime::component::bindgen!({
    world: "plugin",
    path: "../wit",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use medusa::plugin::host;
pub use medusa::plugin::types;
