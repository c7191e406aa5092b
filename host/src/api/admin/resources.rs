//! The plain admin resources (§3) served by [`super::resource::Resource`]:
//! sales channels, customer groups, product collections, tags and types,
//! shipping profiles and price preferences.

use serde_json::{Map, Value};

use super::resource::Resource;
use crate::flows::crud;

const META: [&str; 4] = ["metadata", "created_at", "updated_at", "deleted_at"];

macro_rules! with_meta {
    ($($f:literal),* $(,)?) => {
        &[$($f,)* META[0], META[1], META[2], META[3]]
    };
}

pub static SALES_CHANNELS: Resource = Resource {
    path: "/sales-channels",
    entity: &crud::SALES_CHANNELS,
    singular: "sales_channel",
    plural: "sales_channels",
    label: "Sales channel",
    fields: with_meta!["id", "name", "description", "is_disabled"],
    filters: &[
        "id",
        "name",
        "description",
        "is_disabled",
        "q",
        "created_at",
        "updated_at",
    ],
    writable: &["name", "description", "is_disabled", "metadata"],
    required: &["name"],
    prepare: None,
};

pub static CUSTOMER_GROUPS: Resource = Resource {
    path: "/customer-groups",
    entity: &crud::CUSTOMER_GROUPS,
    singular: "customer_group",
    plural: "customer_groups",
    label: "Customer group",
    fields: with_meta!["id", "name"],
    filters: &["id", "name", "q", "created_at", "updated_at"],
    writable: &["name", "metadata"],
    required: &["name"],
    prepare: None,
};

pub static COLLECTIONS: Resource = Resource {
    path: "/collections",
    entity: &crud::PRODUCT_COLLECTIONS,
    singular: "collection",
    plural: "collections",
    label: "Product collection",
    fields: with_meta!["id", "title", "handle"],
    filters: &["id", "title", "handle", "q", "created_at", "updated_at"],
    writable: &["title", "handle", "metadata"],
    required: &["title"],
    prepare: Some(handle_from_title),
};

pub static PRODUCT_TAGS: Resource = Resource {
    path: "/product-tags",
    entity: &crud::PRODUCT_TAGS,
    singular: "product_tag",
    plural: "product_tags",
    label: "Product tag",
    fields: with_meta!["id", "value"],
    filters: &["id", "value", "q", "created_at", "updated_at"],
    writable: &["value", "metadata"],
    required: &["value"],
    prepare: None,
};

pub static PRODUCT_TYPES: Resource = Resource {
    path: "/product-types",
    entity: &crud::PRODUCT_TYPES,
    singular: "product_type",
    plural: "product_types",
    label: "Product type",
    fields: with_meta!["id", "value"],
    filters: &["id", "value", "q", "created_at", "updated_at"],
    writable: &["value", "metadata"],
    required: &["value"],
    prepare: None,
};

pub static SHIPPING_PROFILES: Resource = Resource {
    path: "/shipping-profiles",
    entity: &crud::SHIPPING_PROFILES,
    singular: "shipping_profile",
    plural: "shipping_profiles",
    label: "Shipping profile",
    fields: with_meta!["id", "name", "type"],
    filters: &["id", "name", "type", "q", "created_at", "updated_at"],
    writable: &["name", "type", "metadata"],
    required: &["name", "type"],
    prepare: None,
};

pub static PRICE_PREFERENCES: Resource = Resource {
    path: "/price-preferences",
    entity: &crud::PRICE_PREFERENCES,
    singular: "price_preference",
    plural: "price_preferences",
    label: "Price preference",
    fields: &[
        "id",
        "attribute",
        "value",
        "is_tax_inclusive",
        "created_at",
        "updated_at",
        "deleted_at",
    ],
    filters: &["id", "attribute", "value", "created_at", "updated_at"],
    writable: &["attribute", "value", "is_tax_inclusive"],
    required: &["attribute", "value"],
    prepare: Some(check_preference),
};

/// Every plain resource.
pub const ALL: &[&Resource] = &[
    &SALES_CHANNELS,
    &CUSTOMER_GROUPS,
    &COLLECTIONS,
    &PRODUCT_TAGS,
    &PRODUCT_TYPES,
    &SHIPPING_PROFILES,
    &PRICE_PREFERENCES,
];

/// A URL handle from a title: lower case, words joined by `-`.
pub fn handleize(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn handle_from_title(body: &mut Map<String, Value>) -> Result<(), String> {
    if body.get("handle").is_none_or(Value::is_null) {
        let title = body
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        body.insert("handle".into(), Value::String(handleize(title)));
    }
    Ok(())
}

fn check_preference(body: &mut Map<String, Value>) -> Result<(), String> {
    match body.get("attribute").and_then(Value::as_str) {
        Some("region_id" | "currency_code") => {}
        _ => {
            return Err(
                "Invalid request: Field 'attribute' must be region_id or currency_code".into(),
            );
        }
    }
    if body["attribute"] == "currency_code"
        && let Some(Value::String(code)) = body.get_mut("value")
    {
        *code = code.to_lowercase();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_lower_kebab_case() {
        assert_eq!(handleize("Summer  Sale 2026!"), "summer-sale-2026");
        assert_eq!(handleize("Ça va"), "ça-va");
    }

    #[test]
    fn a_preference_names_a_region_or_a_currency() {
        let mut body: Map<String, Value> =
            serde_json::from_str(r#"{"attribute":"currency_code","value":"USD"}"#).unwrap();
        assert!(check_preference(&mut body).is_ok());
        assert_eq!(body["value"], "usd");
        let mut bad: Map<String, Value> =
            serde_json::from_str(r#"{"attribute":"country_code","value":"us"}"#).unwrap();
        assert!(check_preference(&mut bad).is_err());
    }
}
