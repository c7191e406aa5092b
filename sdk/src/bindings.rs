//! The bindings wit-bindgen generates from `wit/plugin.wit`. Plugin code uses
//! the SDK's types instead; these are public only for the [`crate::plugin!`]
//! macro.

wit_bindgen::generate!({
    world: "plugin",
    path: "../wit",
    pub_export_macro: true,
    export_macro_name: "__export_plugin_guest",
    default_bindings_module: "medusa_sdk::bindings",
});
