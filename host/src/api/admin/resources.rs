//! The plain admin resources (§3) served by [`super::resource::Resource`]:
//! sales channels, customer groups, product collections, categories, tags
//! and types, shipping profiles, price preferences, customers, tax rates and
//! campaigns.

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

pub static PRODUCT_CATEGORIES: Resource = Resource {
    path: "/product-categories",
    entity: &crud::PRODUCT_CATEGORIES,
    singular: "product_category",
    plural: "product_categories",
    label: "Product category",
    fields: with_meta![
        "id",
        "name",
        "description",
        "handle",
        "is_active",
        "is_internal",
        "rank",
        "parent_category_id",
    ],
    filters: &[
        "id",
        "q",
        "name",
        "handle",
        "is_active",
        "is_internal",
        "parent_category_id",
        "created_at",
        "updated_at",
    ],
    writable: &[
        "name",
        "description",
        "handle",
        "is_active",
        "is_internal",
        "parent_category_id",
        "rank",
        "metadata",
    ],
    required: &["name"],
    prepare: Some(handle_from_name),
};

pub static CUSTOMERS: Resource = Resource {
    path: "/customers",
    entity: &crud::CUSTOMERS,
    singular: "customer",
    plural: "customers",
    label: "Customer",
    fields: &[
        "id",
        "email",
        "company_name",
        "first_name",
        "last_name",
        "phone",
        "has_account",
        "created_by",
        "metadata",
        "created_at",
        "updated_at",
        "deleted_at",
        "addresses.*",
    ],
    filters: &[
        "id",
        "q",
        "email",
        "groups",
        "company_name",
        "first_name",
        "last_name",
        "has_account",
        "created_by",
        "created_at",
        "updated_at",
    ],
    writable: &[
        "email",
        "company_name",
        "first_name",
        "last_name",
        "phone",
        "metadata",
    ],
    required: &[],
    prepare: Some(lower_case_email),
};

pub static TAX_RATES: Resource = Resource {
    path: "/tax-rates",
    entity: &crud::TAX_RATES,
    singular: "tax_rate",
    plural: "tax_rates",
    label: "Tax rate",
    fields: with_meta![
        "id",
        "rate",
        "code",
        "name",
        "is_default",
        "is_combinable",
        "tax_region_id",
    ],
    filters: &[
        "id",
        "tax_region_id",
        "code",
        "is_default",
        "created_at",
        "updated_at",
    ],
    writable: &[
        "rate",
        "code",
        "name",
        "is_default",
        "is_combinable",
        "tax_region_id",
        "metadata",
    ],
    required: &["name", "code", "tax_region_id"],
    prepare: None,
};

pub static CAMPAIGNS: Resource = Resource {
    path: "/campaigns",
    entity: &crud::CAMPAIGNS,
    singular: "campaign",
    plural: "campaigns",
    label: "Campaign",
    fields: &[
        "id",
        "name",
        "campaign_identifier",
        "description",
        "starts_at",
        "ends_at",
        "created_at",
        "updated_at",
        "deleted_at",
        "budget.*",
    ],
    filters: &["id", "q", "campaign_identifier", "created_at", "updated_at"],
    writable: &[
        "name",
        "campaign_identifier",
        "description",
        "starts_at",
        "ends_at",
    ],
    required: &["name", "campaign_identifier"],
    prepare: None,
};

/// Every plain resource.
pub const ALL: &[&Resource] = &[
    &PRODUCT_CATEGORIES,
    &CUSTOMERS,
    &TAX_RATES,
    &CAMPAIGNS,
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

fn handle_from_name(body: &mut Map<String, Value>) -> Result<(), String> {
    if body.get("handle").is_none_or(Value::is_null) {
        let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
        body.insert("handle".into(), Value::String(handleize(name)));
    }
    Ok(())
}

fn lower_case_email(body: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(Value::String(email)) = body.get_mut("email") {
        if !email.contains('@') {
            return Err(format!(
                "Invalid request: '{email}' is not an email address"
            ));
        }
        *email = email.to_lowercase();
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
