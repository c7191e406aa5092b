//! A product's variants (§3.2): `/admin/products/{id}/variants` (list,
//! create, retrieve, update, delete, batch), a variant's inventory items,
//! and `/admin/product-variants` across products.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Map, Value, json};

use super::products::{fetch as fetch_product, shape_variant};
use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::product_common::VARIANT_COLUMNS;
use crate::flows::product_variants as flows;

const FIELDS: &[&str] = &[
    "id",
    "title",
    "sku",
    "barcode",
    "ean",
    "upc",
    "allow_backorder",
    "manage_inventory",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "weight",
    "length",
    "height",
    "width",
    "variant_rank",
    "product_id",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
    "options.*",
    "price_set.prices.*",
];

/// Body fields of a variant create besides its columns; an update takes the
/// same, all optional.
const RELATED_FIELDS: &[&str] = &["prices", "options", "inventory_items"];

/// Refuses unknown fields and badly typed lists; a create needs a title
/// and prices.
fn check_body(body: &Value, creating: bool) -> Result<(), ApiError> {
    let Some(map) = body.as_object() else {
        return Err(ApiError::invalid_data(
            "Invalid request: a variant must be an object",
        ));
    };
    let unknown: Vec<String> = map
        .keys()
        .filter(|k| {
            !VARIANT_COLUMNS.contains(&k.as_str())
                && !RELATED_FIELDS.contains(&k.as_str())
                && (k.as_str() != "id" || creating)
        })
        .map(|k| format!("'{k}'"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid_data(format!(
            "Invalid request: Unrecognized fields: {}",
            unknown.join(", ")
        )));
    }
    if creating
        && map
            .get("title")
            .and_then(Value::as_str)
            .is_none_or(|t| t.trim().is_empty())
    {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'title' is required",
        ));
    }
    if creating && !map.get("prices").is_some_and(Value::is_array) {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'prices' is required",
        ));
    }
    for (key, ok) in [
        ("prices", map.get("prices").is_none_or(Value::is_array)),
        (
            "inventory_items",
            map.get("inventory_items").is_none_or(Value::is_array),
        ),
        ("options", map.get("options").is_none_or(Value::is_object)),
    ] {
        if !ok {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{key}' has the wrong type"
            )));
        }
    }
    Ok(())
}

async fn fetch_variant(
    state: &AppState,
    product: &str,
    id: &str,
    raw: Option<&str>,
) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let mut filters = read::by_id(id);
    filters.insert("product_id".into(), json!(product));
    let mut variant = read::one(
        state,
        "product_variant",
        q.field_tree(FIELDS),
        filters,
        format!("Variant with id: {id} was not found"),
    )
    .await?;
    shape_variant(&mut variant);
    Ok(variant)
}

async fn list_variants(
    state: &AppState,
    raw: Option<&str>,
    product: Option<&str>,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw)?;
    let opts = q.find_options(50, Some("variant_rank"));
    let mut filters = q.filters(&[
        "id",
        "q",
        "sku",
        "title",
        "product_id",
        "manage_inventory",
        "allow_backorder",
        "created_at",
        "updated_at",
    ]);
    if let Some(product) = product {
        filters.insert("product_id".into(), json!(product));
    }
    let (rows, count) = read::list(
        state,
        "product_variant",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    let variants = rows
        .into_iter()
        .map(|mut v| {
            shape_variant(&mut v);
            v
        })
        .collect();
    Ok(envelope::list(
        "variants",
        variants,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// List a product's variants (`q`, `id`, `sku`, `manage_inventory`, `allow_backorder`).
#[utoipa::path(get, path = "/products/{id}/variants", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{variants, count, offset, limit}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    fetch_product(&state, &id, Some("fields=id")).await?;
    list_variants(&state, raw.as_deref(), Some(&id)).await
}

/// List variants across products.
#[utoipa::path(get, path = "/product-variants", tag = "Admin", responses((status = 200, description = "{variants, count, offset, limit}"), (status = 401)))]
pub async fn list_all(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    list_variants(&state, raw.as_deref(), None).await
}

/// Add a variant (options, prices, inventory) to a product; answers the product.
#[utoipa::path(post, path = "/products/{id}/variants", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{product}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    check_body(&body, true)?;
    fetch_product(&state, &id, Some("fields=id")).await?;
    run(
        &state,
        flows::CREATE,
        json!({ "product_id": id, "variants": [body] }),
    )
    .await?;
    Ok(envelope::one(
        "product",
        fetch_product(&state, &id, raw.as_deref()).await?,
    ))
}

/// Retrieve one of a product's variants.
#[utoipa::path(get, path = "/products/{id}/variants/{variant_id}", tag = "Admin", params(("id" = String, Path), ("variant_id" = String, Path)), responses((status = 200, description = "{variant}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path((id, variant)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "variant",
        fetch_variant(&state, &id, &variant, raw.as_deref()).await?,
    ))
}

/// Update a variant's fields, option values and prices; answers the product.
#[utoipa::path(post, path = "/products/{id}/variants/{variant_id}", tag = "Admin", params(("id" = String, Path), ("variant_id" = String, Path)), responses((status = 200, description = "{product}"), (status = 400, body = crate::api::error::ErrorBody), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path((id, variant)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    ApiJson(mut body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    check_body(&body, false)?;
    fetch_variant(&state, &id, &variant, Some("fields=id")).await?;
    body["id"] = json!(variant);
    run(
        &state,
        flows::UPDATE,
        json!({ "product_id": id, "variants": [body] }),
    )
    .await?;
    Ok(envelope::one(
        "product",
        fetch_product(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a variant; answers the product as `parent`.
#[utoipa::path(delete, path = "/products/{id}/variants/{variant_id}", tag = "Admin", params(("id" = String, Path), ("variant_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    fetch_variant(&state, &id, &variant, Some("fields=id")).await?;
    run(
        &state,
        flows::DELETE,
        json!({ "product_id": id, "ids": [variant] }),
    )
    .await?;
    let product = fetch_product(&state, &id, None).await?;
    Ok(envelope::deleted(
        &variant,
        "variant",
        Some(("parent", product)),
    ))
}

/// Create, update and delete variants of a product in one transaction.
#[utoipa::path(post, path = "/products/{id}/variants/batch", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{created, updated, deleted}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn batch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    for key in body.keys() {
        if !["create", "update", "delete"].contains(&key.as_str()) {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Unrecognized fields: '{key}'"
            )));
        }
    }
    let list = |key: &str| -> Result<Vec<Value>, ApiError> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(_) => Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{key}' must be an array"
            ))),
        }
    };
    let (create, update, delete) = (list("create")?, list("update")?, list("delete")?);
    for item in &create {
        check_body(item, true)?;
    }
    for item in &update {
        check_body(item, false)?;
        if !item["id"].is_string() {
            return Err(ApiError::invalid_data(
                "Invalid request: Field 'update.id' is required",
            ));
        }
    }
    fetch_product(&state, &id, Some("fields=id")).await?;
    let out = run(
        &state,
        flows::BATCH,
        json!({ "product_id": id, "create": create, "update": update, "delete": delete }),
    )
    .await?;
    let variants = |key: &str| {
        let ids: Vec<String> = out[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let state = state.clone();
        let id = id.clone();
        async move {
            let mut found = Vec::new();
            for variant in ids {
                found.push(fetch_variant(&state, &id, &variant, None).await?);
            }
            Ok::<_, ApiError>(found)
        }
    };
    let created = variants("created").await?;
    let updated = variants("updated").await?;
    Ok(Json(json!({
        "created": created,
        "updated": updated,
        "deleted": { "ids": out["deleted"], "object": "variant", "deleted": true },
    })))
}

/// Link a variant to an inventory item (`required_quantity` per unit sold).
#[utoipa::path(post, path = "/products/{id}/variants/{variant_id}/inventory-items", tag = "Admin", params(("id" = String, Path), ("variant_id" = String, Path)), responses((status = 200, description = "{variant}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn link_inventory(
    State(state): State<AppState>,
    Path((id, variant)): Path<(String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let item = body["inventory_item_id"].as_str().ok_or_else(|| {
        ApiError::invalid_data("Invalid request: Field 'inventory_item_id' is required")
    })?;
    set_inventory(&state, &id, &variant, item, &body, false).await
}

/// Change how many of an inventory item a variant needs.
#[utoipa::path(post, path = "/products/{id}/variants/{variant_id}/inventory-items/{inventory_item_id}", tag = "Admin", params(("id" = String, Path), ("variant_id" = String, Path), ("inventory_item_id" = String, Path)), responses((status = 200, description = "{variant}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn update_inventory(
    State(state): State<AppState>,
    Path((id, variant, item)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    set_inventory(&state, &id, &variant, &item, &body, false).await
}

/// Unlink a variant from an inventory item.
#[utoipa::path(delete, path = "/products/{id}/variants/{variant_id}/inventory-items/{inventory_item_id}", tag = "Admin", params(("id" = String, Path), ("variant_id" = String, Path), ("inventory_item_id" = String, Path)), responses((status = 200, description = "{id, object, deleted, parent}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn unlink_inventory(
    State(state): State<AppState>,
    Path((id, variant, item)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let Json(answer) = set_inventory(&state, &id, &variant, &item, &json!({}), true).await?;
    Ok(envelope::deleted(
        &format!("{variant}-{item}"),
        "variant-inventory-item-link",
        Some(("parent", answer["variant"].clone())),
    ))
}

async fn set_inventory(
    state: &AppState,
    product: &str,
    variant: &str,
    item: &str,
    body: &Value,
    remove: bool,
) -> Result<Json<Value>, ApiError> {
    let quantity = &body["required_quantity"];
    if !quantity.is_null() && quantity.as_i64().is_none_or(|q| q < 1) {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'required_quantity' must be a positive integer",
        ));
    }
    fetch_variant(state, product, variant, Some("fields=id")).await?;
    run(
        state,
        flows::INVENTORY,
        json!({ "variant_id": variant, "inventory_item_id": item,
                "required_quantity": quantity, "remove": remove }),
    )
    .await?;
    Ok(envelope::one(
        "variant",
        fetch_variant(state, product, variant, Some("fields=*inventory_items")).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_body_names_known_fields_and_a_create_needs_title_and_prices() {
        assert!(check_body(&json!({ "title": "S", "prices": [] }), true).is_ok());
        assert!(check_body(&json!({ "prices": [] }), true).is_err());
        assert!(check_body(&json!({ "title": "S" }), true).is_err());
        assert!(check_body(&json!({ "title": "S", "prices": [], "colour": 1 }), true).is_err());
        assert!(check_body(&json!({ "id": "variant_1", "sku": "X" }), false).is_ok());
        assert!(check_body(&json!({ "options": ["S"] }), false).is_err());
    }
}
