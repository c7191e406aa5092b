//! Currency module: ISO 4217 currencies, keyed by lower-case code (`usd`).

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("currency").model(
        ModelDef::new("currency", "cur")
            .text("code")
            .unique()
            .text("name")
            .searchable()
            .text("symbol")
            .text("symbol_native")
            .number("decimal_digits")
            .default(2)
            .float("rounding")
            .default(0),
    )
}
