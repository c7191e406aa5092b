//! Pieces of data models several modules describe the same way. Modules do not
//! import each other; they may use this shared vocabulary.

use crate::framework::dml::ModelDef;

/// The fields of a postal address (all optional).
pub fn with_address_fields(model: ModelDef) -> ModelDef {
    [
        "first_name",
        "last_name",
        "company",
        "address_1",
        "address_2",
        "city",
        "country_code",
        "province",
        "postal_code",
        "phone",
    ]
    .into_iter()
    .fold(model, |m, f| m.text(f).nullable())
    .json("metadata")
    .nullable()
}
