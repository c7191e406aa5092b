//! The brand plugin (Medusa's customization example, all of it):
//!
//! - a Brand module (model `brand`) and a link brand <-> product (a product has
//!   one brand, a brand many products), so `GET /store/products?fields=+brand.*`
//!   shows each product's brand;
//! - admin routes to create, list, update and delete brands and to set a
//!   product's brand, and a store route listing brands;
//! - a CMS module standing for a third-party system, reachable only through
//!   its service methods;
//! - the workflow `sync-brands-to-cms`: retrieve brands, create them in the
//!   CMS (compensated by deleting what was created), then publish; a failure
//!   in a later step rolls the CMS back;
//! - a subscriber syncing each new brand, and a daily job syncing them all;
//! - hooks on the product workflows: `POST /admin/products` (or an update)
//!   with `additional_data: {brand_id}` links the product to that brand in
//!   the same workflow (an unknown brand fails it).

use medusa_sdk::prelude::*;
use medusa_sdk::{emit, link, log, query, query_page, record, run_workflow};

struct BrandPlugin;

const BRAND: &str = "brand";
const CMS: &str = "cms";

impl Plugin for BrandPlugin {
    fn manifest() -> Manifest {
        Manifest::new("brand", env!("CARGO_PKG_VERSION"))
            .module(
                Module::new(BRAND).model(Model::new("brand", "brand").text("name").searchable()),
            )
            .module(
                Module::new(CMS)
                    .model(
                        Model::new("cms_brand", "cmsb")
                            .text("brand_id")
                            .unique()
                            .text("name"),
                    )
                    .methods(["create_brands", "delete_brands", "list_brands", "clear"]),
            )
            .link(Link::new(
                LinkEnd::new("product", "product").list(),
                LinkEnd::new(BRAND, "brand"),
            ))
            .route(Method::Get, "/store/brands")
            .route(Method::Get, "/admin/brands")
            .route(Method::Post, "/admin/brands")
            .route(Method::Get, "/admin/brands/:id")
            .route(Method::Post, "/admin/brands/:id")
            .route(Method::Delete, "/admin/brands/:id")
            .route(Method::Post, "/admin/products/:id/brand")
            .route(Method::Post, "/admin/brands/sync")
            .route(Method::Get, "/admin/cms/brands")
            .route(Method::Delete, "/admin/cms/brands")
            .subscriber("sync-new-brand", ["brand.created"])
            .workflow(
                "sync-brands-to-cms",
                [
                    Step::new("retrieve-brands"),
                    Step::new("create-brands-in-cms").compensated(),
                    Step::new("publish-cms"),
                ],
            )
            .job("sync-brands-daily", "0 0 * * *")
            .hook("create-products", "products-created")
            .hook("update-products", "products-updated")
            .requests_modules(["product"])
    }

    fn route(request: Request) -> Result<Response> {
        match (request.method, request.route.as_str()) {
            (Method::Get, "/store/brands") | (Method::Get, "/admin/brands") => {
                let number = |key: &str, default: u32| {
                    request
                        .query
                        .get(key)
                        .and_then(|v| v.parse::<u32>().ok())
                        .unwrap_or(default)
                };
                let (offset, limit) = (number("offset", 0), number("limit", 50));
                let brands: Vec<Value> = query_page(
                    "brand",
                    &["id", "name", "products.id", "products.title"],
                    json!({}),
                    offset,
                    Some(limit),
                )?;
                let count = data::count(BRAND, "brand", json!({}))?;
                Response::ok(
                    json!({ "brands": brands, "count": count, "offset": offset, "limit": limit }),
                )
            }
            (Method::Post, "/admin/brands") => {
                let body: Value = request.json()?;
                let name = name_of(&body)?;
                let brand: Value = data::create(BRAND, "brand", &json!({ "name": name }))?;
                emit("brand.created", &json!({ "id": brand["id"] }))?;
                Response::ok(json!({ "brand": brand }))
            }
            (Method::Get, "/admin/brands/:id") => {
                let id = request.param("id")?;
                let brand: Vec<Value> = query(
                    "brand",
                    &["id", "name", "products.id", "products.title"],
                    json!({ "id": id }),
                )?;
                let brand = brand.into_iter().next().ok_or_else(|| {
                    Error::not_found(format!("Brand with id: {id} was not found"))
                })?;
                Response::ok(json!({ "brand": brand }))
            }
            (Method::Post, "/admin/brands/:id") => {
                let body: Value = request.json()?;
                let brand: Value = data::update(
                    BRAND,
                    "brand",
                    request.param("id")?,
                    &json!({ "name": name_of(&body)? }),
                )?;
                emit("brand.updated", &json!({ "id": brand["id"] }))?;
                Response::ok(json!({ "brand": brand }))
            }
            (Method::Delete, "/admin/brands/:id") => {
                let id = request.param("id")?;
                data::delete(BRAND, "brand", id)?;
                emit("brand.deleted", &json!({ "id": id }))?;
                Response::ok(json!({ "id": id, "object": "brand", "deleted": true }))
            }
            (Method::Post, "/admin/products/:id/brand") => {
                let product_id = request.param("id")?;
                let body: Value = request.json()?;
                let brand_id = body["brand_id"]
                    .as_str()
                    .ok_or_else(|| Error::invalid_data("brand_id is required"))?;
                let _: Value = data::retrieve(BRAND, "brand", brand_id)?;
                let product: Vec<Value> = query(
                    "product",
                    &["id", "title", "brand.*"],
                    json!({ "id": product_id }),
                )?;
                if product.is_empty() {
                    return Err(Error::not_found(format!(
                        "Product with id: {product_id} was not found"
                    )));
                }
                link(
                    record("product", "product", product_id),
                    record(BRAND, "brand", brand_id),
                )?;
                let product: Vec<Value> = query(
                    "product",
                    &["id", "title", "brand.*"],
                    json!({ "id": product_id }),
                )?;
                Response::ok(json!({ "product": product.into_iter().next() }))
            }
            (Method::Post, "/admin/brands/sync") => {
                let input = request.body.clone().unwrap_or(json!({}));
                let result: Value = run_workflow("sync-brands-to-cms", &input)?;
                Response::ok(result)
            }
            (Method::Delete, "/admin/cms/brands") => {
                let _: Value = medusa_sdk::call_module(CMS, "clear", &json!({}))?;
                Response::ok(json!({ "object": "cms_brand", "deleted": true }))
            }
            (Method::Get, "/admin/cms/brands") => {
                let brands: Value = medusa_sdk::call_module(CMS, "list_brands", &json!({}))?;
                Response::ok(json!({ "cms_brands": brands }))
            }
            _ => Err(Error::not_found(format!(
                "no handler for {}",
                request.route
            ))),
        }
    }

    fn event(_subscriber: &str, _name: &str, data: Value) -> Result<()> {
        let id = data["id"].as_str().unwrap_or_default();
        log::info(&format!("syncing new brand {id} to the CMS"));
        let _: Value = run_workflow("sync-brands-to-cms", &json!({ "brand_ids": [id] }))?;
        Ok(())
    }

    fn step(_workflow: &str, step: &str, input: Value, previous: Value) -> Result<StepOutput> {
        match step {
            "hook:products-created" | "hook:products-updated" => {
                let Some(brand_id) = input["additional_data"]["brand_id"].as_str() else {
                    return Ok(StepOutput::new(Value::Null));
                };
                let product_id = previous["create-product"]["id"]
                    .as_str()
                    .or(input["id"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                let _: Value = data::retrieve(BRAND, "brand", brand_id)?;
                link(
                    record("product", "product", &product_id),
                    record(BRAND, "brand", brand_id),
                )?;
                Ok(StepOutput::new(
                    json!({ "product_id": product_id, "brand_id": brand_id }),
                ))
            }
            "retrieve-brands" => {
                let filters = match input.get("brand_ids") {
                    Some(ids) => json!({ "id": ids }),
                    None => json!({}),
                };
                let brands: Vec<Value> = data::list(BRAND, "brand", filters)?;
                Ok(StepOutput::new(json!(brands)))
            }
            "create-brands-in-cms" => {
                let brands = previous["retrieve-brands"].clone();
                let created: Value = medusa_sdk::call_module(CMS, "create_brands", &brands)?;
                Ok(StepOutput::new(created.clone()).compensate_with(created))
            }
            "publish-cms" => {
                if input["fail_at"] == "publish" {
                    return Err(Error::unexpected("the CMS refused to publish")
                        .with_code("cms_unavailable"));
                }
                let created = previous["create-brands-in-cms"].clone();
                Ok(StepOutput::new(json!({ "synced": created })))
            }
            other => Err(Error::not_found(format!("no step {other}"))),
        }
    }

    fn compensate(_workflow: &str, step: &str, data: Value) -> Result<()> {
        if step == "create-brands-in-cms" {
            let _: Value = medusa_sdk::call_module(CMS, "delete_brands", &data)?;
        }
        Ok(())
    }

    fn job(_name: &str) -> Result<()> {
        let _: Value = run_workflow("sync-brands-to-cms", &json!({}))?;
        Ok(())
    }

    /// The CMS module's service: it reaches only its own table.
    fn service(module: &str, method: &str, args: Value) -> Result<Value> {
        match (module, method) {
            (CMS, "create_brands") => {
                let mut created = Vec::new();
                for brand in args.as_array().cloned().unwrap_or_default() {
                    let brand_id = brand["id"].as_str().unwrap_or_default();
                    let existing: Vec<Value> =
                        data::list(CMS, "cms_brand", json!({ "brand_id": brand_id }))?;
                    if existing.is_empty() {
                        let row: Value = data::create(
                            CMS,
                            "cms_brand",
                            &json!({ "brand_id": brand_id, "name": brand["name"] }),
                        )?;
                        created.push(row["id"].clone());
                    }
                }
                Ok(json!(created))
            }
            (CMS, "delete_brands") => {
                for id in args.as_array().cloned().unwrap_or_default() {
                    if let Some(id) = id.as_str() {
                        data::delete(CMS, "cms_brand", id)?;
                    }
                }
                Ok(json!({ "deleted": true }))
            }
            (CMS, "clear") => {
                for row in data::list::<Value>(CMS, "cms_brand", json!({}))? {
                    data::delete(CMS, "cms_brand", row["id"].as_str().unwrap_or_default())?;
                }
                Ok(json!({ "cleared": true }))
            }
            (CMS, "list_brands") => Ok(json!(data::list::<Value>(CMS, "cms_brand", json!({}))?)),
            _ => Err(Error::not_found(format!("no method {module}.{method}"))),
        }
    }
}

fn name_of(body: &Value) -> Result<&str> {
    match body["name"].as_str() {
        Some(name) if !name.trim().is_empty() => Ok(name),
        _ => Err(Error::invalid_data("name must be a non-empty string")),
    }
}

medusa_sdk::plugin!(BrandPlugin);
