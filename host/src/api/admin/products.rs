//! `/admin/products` (§3.2): list, create (with options, variants, prices,
//! inventory, images, tags, categories and channels), retrieve, update and
//! delete; the admin shape of a product and of its variants.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Map, Value, json};

use super::run::run;
use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::list_query::ListQuery;
use crate::api::read;
use crate::app::AppState;
use crate::flows::products as flows;

const FIELDS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "status",
    "external_id",
    "description",
    "handle",
    "is_giftcard",
    "discountable",
    "thumbnail",
    "collection_id",
    "type_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
    "type.*",
    "collection.*",
    "options.*",
    "options.values.*",
    "tags.*",
    "images.*",
    "variants.*",
    "variants.options.*",
    "variants.price_set.prices.*",
    "sales_channels.*",
];

/// Body fields of a create.
const CREATE_FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "description",
    "is_giftcard",
    "discountable",
    "images",
    "thumbnail",
    "handle",
    "status",
    "external_id",
    "type_id",
    "collection_id",
    "categories",
    "tags",
    "options",
    "variants",
    "sales_channels",
    "shipping_profile_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "mid_code",
    "origin_country",
    "material",
    "metadata",
    "additional_data",
];

/// Medusa shows a variant's prices as `prices`, not through its price set.
fn shape(mut product: Value) -> Value {
    for variant in product["variants"].as_array_mut().into_iter().flatten() {
        shape_variant(variant);
    }
    product
}

/// A variant's price set as `prices[]` with `rules` and `variant_id`.
pub(super) fn shape_variant(variant: &mut Value) {
    if let Some(variant) = variant.as_object_mut()
        && let Some(set) = variant.remove("price_set")
    {
        let prices = set["prices"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let mut p = p.clone();
                let rules = match p["region_id"].as_str() {
                    Some(region) => json!({ "region_id": region }),
                    None => json!({}),
                };
                p["rules"] = rules;
                p["variant_id"] = variant.get("id").cloned().unwrap_or(Value::Null);
                p
            })
            .collect();
        variant.insert("prices".into(), Value::Array(prices));
    }
}

/// The product `id` in the admin shape, `fields` from the raw query.
pub(super) async fn fetch(
    state: &AppState,
    id: &str,
    raw: Option<&str>,
) -> Result<Value, ApiError> {
    let q = ListQuery::parse(raw)?;
    let product = read::one(
        state,
        "product",
        q.field_tree(FIELDS),
        read::by_id(id),
        format!("Product with id: {id} was not found"),
    )
    .await?;
    Ok(shape(product))
}

/// List products (`q`, `id`, `title`, `handle`, `status`, `collection_id`,
/// `type_id`, `category_id`, `tag_id`, `sales_channel_id`, ...).
#[utoipa::path(get, path = "/products", tag = "Admin", responses((status = 200, description = "{products, count, offset, limit}"), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let mut filters = q.filters(&[
        "id",
        "q",
        "title",
        "handle",
        "status",
        "is_giftcard",
        "collection_id",
        "type_id",
        "created_at",
        "updated_at",
        "$and",
        "$or",
    ]);
    for key in ["id", "status", "collection_id", "type_id"] {
        if let Some(values) = q.list(key) {
            filters.insert(key.into(), json!(values));
        }
    }
    for (key, relation) in [
        ("category_id", "categories"),
        ("tag_id", "tags"),
        ("sales_channel_id", "sales_channels"),
    ] {
        if let Some(ids) = q.list(key) {
            filters.insert(relation.into(), json!({ "id": ids }));
        }
    }
    let (rows, count) = read::list(
        &state,
        "product",
        q.field_tree(FIELDS),
        filters,
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "products",
        rows.into_iter().map(shape).collect(),
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

fn check_create(body: &mut Map<String, Value>) -> Result<(), ApiError> {
    let unknown: Vec<String> = body
        .keys()
        .filter(|k| !CREATE_FIELDS.contains(&k.as_str()))
        .map(|k| format!("'{k}'"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid_data(format!(
            "Invalid request: Unrecognized fields: {}",
            unknown.join(", ")
        )));
    }
    let title = body
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if title.trim().is_empty() {
        return Err(ApiError::invalid_data(
            "Invalid request: Field 'title' is required",
        ));
    }
    let handle = match body.get("handle").and_then(Value::as_str) {
        Some(handle) => handle.to_owned(),
        None => super::resources::handleize(title),
    };
    if handle.is_empty()
        || !handle
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::invalid_data(format!(
            "Invalid product handle '{handle}'. It must contain URL safe characters"
        )));
    }
    body.insert("handle".into(), Value::String(handle));
    for list in [
        "options",
        "variants",
        "images",
        "tags",
        "categories",
        "sales_channels",
    ] {
        if body
            .get(list)
            .is_some_and(|v| !v.is_array() && !v.is_null())
        {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{list}' must be an array"
            )));
        }
    }
    Ok(())
}

/// An update body: create fields but the shipping profile, lists as arrays.
fn check_update(body: &Map<String, Value>) -> Result<(), ApiError> {
    for list in [
        "variants",
        "options",
        "images",
        "tags",
        "categories",
        "sales_channels",
    ] {
        if body
            .get(list)
            .is_some_and(|v| !v.is_array() && !v.is_null())
        {
            return Err(ApiError::invalid_data(format!(
                "Invalid request: Field '{list}' must be an array"
            )));
        }
    }
    let unknown: Vec<String> = body
        .keys()
        .filter(|k| !CREATE_FIELDS.contains(&k.as_str()) || k.as_str() == "shipping_profile_id")
        .map(|k| format!("'{k}'"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid_data(format!(
            "Invalid request: Unrecognized fields: {}",
            unknown.join(", ")
        )));
    }
    Ok(())
}

/// `422` when a product already has `handle`.
async fn handle_free(state: &AppState, handle: &Value) -> Result<(), ApiError> {
    let (_, taken) = read::list(
        state,
        "product",
        crate::framework::query::fields::FieldTree::from_paths(["id"]),
        [("handle".to_owned(), handle.clone())]
            .into_iter()
            .collect(),
        Default::default(),
    )
    .await?;
    if taken > 0 {
        return Err(ApiError::duplicate(format!(
            "Product with handle: {}, already exists.",
            handle.as_str().unwrap_or_default()
        )));
    }
    Ok(())
}

/// Create a product with its options, variants, prices and inventory.
#[utoipa::path(post, path = "/products", tag = "Admin", responses((status = 200, description = "{product}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check_create(&mut body)?;
    handle_free(&state, &body["handle"]).await?;
    let created = run(&state, flows::CREATE, Value::Object(body)).await?;
    Ok(envelope::one(
        "product",
        fetch(
            &state,
            created["id"].as_str().unwrap_or_default(),
            raw.as_deref(),
        )
        .await?,
    ))
}

/// Retrieve a product.
#[utoipa::path(get, path = "/products/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{product}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Ok(envelope::one(
        "product",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Update a product's fields, images, tags, categories, sales channels, and
/// its options and variants (upserted; the ones left out are deleted).
#[utoipa::path(post, path = "/products/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{product}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    check_update(&body)?;
    fetch(&state, &id, Some("fields=id")).await?;
    body.insert("id".into(), json!(id));
    run(&state, flows::UPDATE, Value::Object(body)).await?;
    Ok(envelope::one(
        "product",
        fetch(&state, &id, raw.as_deref()).await?,
    ))
}

/// Delete a product with its variants.
#[utoipa::path(delete, path = "/products/{id}", tag = "Admin", params(("id" = String, Path)), responses((status = 200, description = "{id, object, deleted}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    fetch(&state, &id, Some("fields=id")).await?;
    run(&state, flows::DELETE, json!({ "id": id })).await?;
    Ok(envelope::deleted(&id, "product", None))
}

/// Create, update and delete products in one transaction.
#[utoipa::path(post, path = "/products/batch", tag = "Admin", responses((status = 200, description = "{created, updated, deleted}"), (status = 400, body = crate::api::error::ErrorBody)))]
pub async fn batch(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    if let Some(key) = body
        .keys()
        .find(|k| !["create", "update", "delete"].contains(&k.as_str()))
    {
        return Err(ApiError::invalid_data(format!(
            "Invalid request: Unrecognized fields: '{key}'"
        )));
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
    let mut create = Vec::new();
    let mut handles = Vec::new();
    for item in list("create")? {
        let Value::Object(mut item) = item else {
            return Err(ApiError::invalid_data(
                "Invalid request: a product must be an object",
            ));
        };
        check_create(&mut item)?;
        handle_free(&state, &item["handle"]).await?;
        if handles.contains(&item["handle"]) {
            return Err(ApiError::duplicate(format!(
                "Product with handle: {}, already exists.",
                item["handle"].as_str().unwrap_or_default()
            )));
        }
        handles.push(item["handle"].clone());
        item.remove("additional_data");
        create.push(Value::Object(item));
    }
    let mut update = Vec::new();
    for item in list("update")? {
        let Value::Object(mut item) = item else {
            return Err(ApiError::invalid_data(
                "Invalid request: a product must be an object",
            ));
        };
        let id = item
            .remove("id")
            .and_then(|id| id.as_str().map(str::to_owned))
            .ok_or_else(|| {
                ApiError::invalid_data("Invalid request: Field 'update.id' is required")
            })?;
        check_update(&item)?;
        fetch(&state, &id, Some("fields=id")).await?;
        item.remove("additional_data");
        item.insert("id".into(), json!(id));
        update.push(Value::Object(item));
    }
    let delete = list("delete")?;
    for id in &delete {
        fetch(&state, id.as_str().unwrap_or_default(), Some("fields=id")).await?;
    }
    let out = run(
        &state,
        flows::BATCH,
        json!({ "create": create, "update": update, "delete": delete }),
    )
    .await?;
    let mut answer = Map::new();
    for key in ["created", "updated"] {
        let mut products = Vec::new();
        for id in out[key].as_array().into_iter().flatten() {
            products.push(fetch(&state, id.as_str().unwrap_or_default(), None).await?);
        }
        answer.insert(key.into(), Value::Array(products));
    }
    answer.insert(
        "deleted".into(),
        json!({ "ids": out["deleted"], "object": "product", "deleted": true }),
    );
    Ok(Json(Value::Object(answer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_body_gets_a_handle_and_refuses_strangers() {
        let mut body: Map<String, Value> =
            serde_json::from_value(json!({ "title": "Linen Shirt" })).unwrap();
        check_create(&mut body).unwrap();
        assert_eq!(body["handle"], "linen-shirt");
        let mut odd: Map<String, Value> =
            serde_json::from_value(json!({ "title": "x", "handle": "a b" })).unwrap();
        assert!(check_create(&mut odd).is_err());
        let mut unknown: Map<String, Value> =
            serde_json::from_value(json!({ "title": "x", "colour": "red" })).unwrap();
        assert!(check_create(&mut unknown).is_err());
    }
}
