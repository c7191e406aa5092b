//! Store catalogue reads: regions, currencies, collections and categories.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use crate::api::envelope;
use crate::api::error::ApiError;
use crate::api::list_query::ListQuery;
use crate::api::read::{self, by_id};
use crate::app::AppState;

const REGION_FIELDS: &[&str] = &[
    "id",
    "name",
    "currency_code",
    "automatic_taxes",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
    "*countries",
];

/// List regions.
#[utoipa::path(get, path = "/regions", tag = "Store", responses((status = 200, description = "{regions, count, offset, limit}")))]
pub async fn list_regions(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, None);
    let (rows, count) = read::list(
        &state,
        "region",
        q.field_tree(REGION_FIELDS),
        q.filters(&["id", "name", "currency_code", "q", "$and", "$or"]),
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "regions",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Retrieve a region.
#[utoipa::path(get, path = "/regions/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{region}"), (status = 404, body = crate::api::error::ErrorBody)))]
pub async fn get_region(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let region = read::one(
        &state,
        "region",
        q.field_tree(REGION_FIELDS),
        by_id(&id),
        format!("Region with id: {id} was not found"),
    )
    .await?;
    Ok(envelope::one("region", region))
}

const CURRENCY_FIELDS: &[&str] = &[
    "code",
    "name",
    "symbol",
    "symbol_native",
    "decimal_digits",
    "rounding",
];

/// List currencies.
#[utoipa::path(get, path = "/currencies", tag = "Store", responses((status = 200, description = "{currencies, count, offset, limit}")))]
pub async fn list_currencies(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, Some("code"));
    let (rows, count) = read::list(
        &state,
        "currency",
        q.field_tree(CURRENCY_FIELDS),
        q.filters(&["code", "q"]),
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "currencies",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Retrieve a currency by code.
#[utoipa::path(get, path = "/currencies/{code}", tag = "Store", params(("code" = String, Path)), responses((status = 200, description = "{currency}")))]
pub async fn get_currency(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let filters = [("code".to_owned(), Value::from(code.to_lowercase()))]
        .into_iter()
        .collect();
    let fields = crate::framework::query::fields::FieldTree::from_paths(CURRENCY_FIELDS);
    let currency = read::one(
        &state,
        "currency",
        fields,
        filters,
        format!("Currency with code: {code} was not found"),
    )
    .await?;
    Ok(envelope::one("currency", currency))
}

const COLLECTION_FIELDS: &[&str] = &["id", "title", "handle", "created_at", "updated_at"];

/// List collections.
#[utoipa::path(get, path = "/collections", tag = "Store", responses((status = 200, description = "{collections, count, offset, limit}")))]
pub async fn list_collections(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(10, Some("-created_at"));
    let (rows, count) = read::list(
        &state,
        "product_collection",
        q.field_tree(COLLECTION_FIELDS),
        q.filters(&["id", "title", "handle", "q", "$and", "$or"]),
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "collections",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(10),
    ))
}

/// Retrieve a collection.
#[utoipa::path(get, path = "/collections/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{collection}")))]
pub async fn get_collection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let collection = read::one(
        &state,
        "product_collection",
        q.field_tree(COLLECTION_FIELDS),
        by_id(&id),
        format!("Product collection with id: {id} was not found"),
    )
    .await?;
    Ok(envelope::one("collection", collection))
}

const CATEGORY_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "handle",
    "rank",
    "parent_category_id",
    "created_at",
    "updated_at",
    "metadata",
    "*parent_category",
    "*category_children",
];

fn category_filters(q: &ListQuery) -> serde_json::Map<String, Value> {
    let mut filters = q.filters(&[
        "id",
        "name",
        "description",
        "handle",
        "parent_category_id",
        "q",
        "$and",
        "$or",
    ]);
    filters.insert("is_active".into(), json!(true));
    filters.insert("is_internal".into(), json!(false));
    filters
}

/// List product categories (active, public ones).
#[utoipa::path(get, path = "/product-categories", tag = "Store", responses((status = 200, description = "{product_categories, count, offset, limit}")))]
pub async fn list_categories(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, Some("rank"));
    let (rows, count) = read::list(
        &state,
        "product_category",
        q.field_tree(CATEGORY_FIELDS),
        category_filters(&q),
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "product_categories",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Retrieve a product category.
#[utoipa::path(get, path = "/product-categories/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{product_category}")))]
pub async fn get_category(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let mut filters = category_filters(&q);
    filters.insert("id".into(), json!(id));
    let category = read::one(
        &state,
        "product_category",
        q.field_tree(CATEGORY_FIELDS),
        filters,
        format!("Product category with id: {id} was not found"),
    )
    .await?;
    Ok(envelope::one("product_category", category))
}

const RETURN_REASON_FIELDS: &[&str] = &[
    "id",
    "value",
    "label",
    "description",
    "parent_return_reason_id",
    "created_at",
    "updated_at",
    "*parent_return_reason",
    "*return_reason_children",
];

/// List return reasons.
#[utoipa::path(get, path = "/return-reasons", tag = "Store", responses((status = 200, description = "{return_reasons, count, offset, limit}")))]
pub async fn list_return_reasons(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let opts = q.find_options(50, Some("value"));
    let (rows, count) = read::list(
        &state,
        "return_reason",
        q.field_tree(RETURN_REASON_FIELDS),
        q.filters(&["id", "value", "q"]),
        opts.clone(),
    )
    .await?;
    Ok(envelope::list(
        "return_reasons",
        rows,
        count,
        opts.offset,
        opts.limit.unwrap_or(50),
    ))
}

/// Retrieve a return reason.
#[utoipa::path(get, path = "/return-reasons/{id}", tag = "Store", params(("id" = String, Path)), responses((status = 200, description = "{return_reason}")))]
pub async fn get_return_reason(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = ListQuery::parse(raw.as_deref())?;
    let reason = read::one(
        &state,
        "return_reason",
        q.field_tree(RETURN_REASON_FIELDS),
        by_id(&id),
        format!("Return reason with id: {id} was not found"),
    )
    .await?;
    Ok(envelope::one("return_reason", reason))
}
