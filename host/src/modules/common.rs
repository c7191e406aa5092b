//! Pieces of data models several modules describe the same way. Modules do not
//! import each other; they may use this shared vocabulary.

use crate::framework::dml::ModelDef;

/// The fields of a postal address, in the order they are copied around.
pub const ADDRESS_FIELDS: [&str; 11] = [
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
    "metadata",
];

/// Weight, dimensions and customs fields (products, variants, inventory items).
pub fn with_shipping_details(model: ModelDef) -> ModelDef {
    ["weight", "length", "height", "width"]
        .into_iter()
        .fold(model, |m, f| m.float(f).nullable())
        .text("origin_country")
        .nullable()
        .text("hs_code")
        .nullable()
        .text("mid_code")
        .nullable()
        .text("material")
        .nullable()
}

/// The fields of a postal address (all optional).
pub fn with_address_fields(model: ModelDef) -> ModelDef {
    ADDRESS_FIELDS[..10]
        .iter()
        .fold(model, |m, f| m.text(f).nullable())
        .json("metadata")
        .nullable()
}

/// The fields a cart or order line copies from what it sells, and its price.
pub fn with_line_item_fields(model: ModelDef) -> ModelDef {
    let texts = [
        "product_title",
        "product_description",
        "product_subtitle",
        "product_type",
        "product_collection",
        "product_handle",
        "variant_sku",
        "variant_barcode",
        "variant_title",
    ];
    let model = model
        .text("title")
        .text("subtitle")
        .nullable()
        .text("thumbnail")
        .nullable()
        .number("quantity")
        .text("variant_id")
        .nullable()
        .index()
        .text("product_id")
        .nullable();
    texts
        .into_iter()
        .fold(model, |m, f| m.text(f).nullable())
        .json("variant_option_values")
        .nullable()
        .boolean("requires_shipping")
        .default(true)
        .boolean("is_discountable")
        .default(true)
        .boolean("is_tax_inclusive")
        .default(false)
        .big_number("compare_at_unit_price")
        .nullable()
        .big_number("unit_price")
        .json("metadata")
        .nullable()
}

/// A discount on a line (`relation` → `target` through `foreign_key`).
pub fn adjustment_model(
    name: &str,
    prefix: &str,
    relation: &str,
    target: &str,
    foreign_key: &str,
) -> ModelDef {
    ModelDef::new(name, prefix)
        .text("code")
        .nullable()
        .big_number("amount")
        .text("promotion_id")
        .nullable()
        .text("description")
        .nullable()
        .text("provider_id")
        .nullable()
        .belongs_to(relation, target, foreign_key)
}

/// A tax line on a line (`relation` → `target` through `foreign_key`).
pub fn tax_line_model(
    name: &str,
    prefix: &str,
    relation: &str,
    target: &str,
    foreign_key: &str,
) -> ModelDef {
    ModelDef::new(name, prefix)
        .text("code")
        .float("rate")
        .text("description")
        .nullable()
        .text("tax_rate_id")
        .nullable()
        .text("provider_id")
        .nullable()
        .belongs_to(relation, target, foreign_key)
}

/// A shipping method of a cart or order (`relation` → `target` through `foreign_key`).
pub fn shipping_method_model(
    name: &str,
    prefix: &str,
    relation: &str,
    target: &str,
    foreign_key: &str,
) -> ModelDef {
    ModelDef::new(name, prefix)
        .text("name")
        .text("description")
        .nullable()
        .big_number("amount")
        .boolean("is_tax_inclusive")
        .default(false)
        .text("shipping_option_id")
        .nullable()
        .json("data")
        .nullable()
        .json("metadata")
        .nullable()
        .belongs_to(relation, target, foreign_key)
}
