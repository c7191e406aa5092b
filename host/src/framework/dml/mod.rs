//! The data-model language: how a module (native or Wasm) describes its data.
//!
//! Descriptions are plain values (serde-serialisable), so a plugin can send the
//! same description at load time that a native module builds in Rust:
//!
//! ```
//! use medusa_host::framework::dml::{ModelDef, ModuleDef};
//!
//! let brand = ModelDef::new("brand", "brand")
//!     .text("name").searchable()
//!     .text("description").nullable()
//!     .json("metadata").nullable();
//! let module = ModuleDef::new("brand").model(brand);
//! assert!(module.validate().is_ok());
//! ```
//!
//! Every model gets `id` (a prefixed ULID), `created_at`, `updated_at` and
//! `deleted_at` (soft delete) automatically.

mod link;
mod model;
mod module;
mod validate;

pub use link::{LinkDef, LinkSide};
pub use model::{FieldDef, FieldKind, ModelDef, RelationDef, RelationKind};
pub use module::ModuleDef;
pub use validate::DmlError;

/// Columns every model has, in table order around its own fields.
pub const ID_COLUMN: &str = "id";
pub const TIMESTAMP_COLUMNS: [&str; 3] = ["created_at", "updated_at", "deleted_at"];
