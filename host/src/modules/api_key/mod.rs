//! API key module: publishable keys (`pk_...`, scope storefront requests to
//! sales channels) and secret keys (`sk_...`, admin automation).

use sha2::{Digest, Sha256};

use crate::framework::dml::{ModelDef, ModuleDef};

/// What a secret key's `token` column holds: the SHA-256 of the key, so a
/// leaked database does not leak usable keys.
pub fn secret_digest(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

pub fn definition() -> ModuleDef {
    ModuleDef::new("api_key").model(
        ModelDef::new("api_key", "apk")
            .text("token")
            .unique()
            .text("redacted")
            .text("title")
            .searchable()
            .enumeration("type", ["publishable", "secret"])
            .date_time("last_used_at")
            .nullable()
            .text("created_by")
            .nullable()
            .text("revoked_by")
            .nullable()
            .date_time("revoked_at")
            .nullable(),
    )
}
