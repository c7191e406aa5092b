//! API key module: publishable keys (`pk_...`, scope storefront requests to
//! sales channels) and secret keys (`sk_...`, admin automation).

use crate::framework::dml::{ModelDef, ModuleDef};

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
