//! Helpers the cart steps share: services, regions, guest customers,
//! addresses, promotion codes and adding items.

use serde_json::{Map, Value, json};

use crate::db::Exec;
use crate::framework::data::{FindOptions, ModuleService};
use crate::framework::links::{self, LinkRef};
use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;
use crate::framework::workflows::{StepError, WorkflowEnv};
use crate::modules::common::ADDRESS_FIELDS;

use super::pricing::{
    cart_context, check_stock, line_item_from, load_variants, price_lists, unit_price,
};

pub fn svc(env: &WorkflowEnv, module: &str) -> Result<ModuleService, StepError> {
    env.registry
        .service(module)
        .ok_or_else(|| StepError::new(format!("module {module} is not registered")))
}

pub fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The text field `field` of `input`, or `400 invalid_data` naming it.
pub fn required(input: &Value, field: &str) -> Result<String, StepError> {
    text(&input[field]).ok_or_else(|| {
        StepError::permanent(
            "invalid_data",
            format!("Invalid request: Field '{field}' is required"),
        )
    })
}

pub fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

fn one_filter(key: &str, value: impl Into<Value>) -> Value {
    Value::Object([(key.to_owned(), value.into())].into_iter().collect())
}

/// A region with its countries (from the catalogue read cache while the
/// catalogue is unchanged), or `404`.
pub async fn load_region(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    id: &str,
) -> Result<Value, StepError> {
    let found = super::read::region_with_countries(exec, &env.query, id).await?;
    if found.is_null() {
        return Err(StepError::permanent(
            "not_found",
            format!("Region with id: {id} was not found"),
        ));
    }
    Ok(found)
}

/// The store's default region id.
pub async fn default_region(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
) -> Result<Option<String>, StepError> {
    let stores = svc(env, "store")?
        .list(
            exec,
            "store",
            &Value::Null,
            &FindOptions {
                limit: Some(1),
                ..Default::default()
            },
        )
        .await?;
    Ok(stores.first().and_then(|s| text(&s["default_region_id"])))
}

/// The countries (iso_2) of a region.
pub fn region_countries(region: &Value) -> Vec<String> {
    region["countries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| text(&c["iso_2"]))
        .collect()
}

/// Fails unless `country` belongs to `region`.
pub fn check_country(region: &Value, country: Option<&str>) -> Result<(), StepError> {
    match country {
        Some(c)
            if !region_countries(region)
                .iter()
                .any(|r| r.eq_ignore_ascii_case(c)) =>
        {
            Err(StepError::permanent(
                "invalid_data",
                format!(
                    "Country with code {c} is not within region {}",
                    region["name"].as_str().unwrap_or_default()
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The customer a cart's email names: found or created as a guest, with
/// the ids of its groups (a new guest is in none).
pub struct GuestCustomer {
    pub id: String,
    pub created: bool,
    pub group_ids: Vec<String>,
}

/// The customer with `email`, created as a guest when there is none.
pub async fn guest_customer(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    email: &str,
) -> Result<GuestCustomer, StepError> {
    let customers = svc(env, "customer")?;
    let email = email.trim().to_lowercase();
    let found = customers
        .list(
            exec,
            "customer",
            &one_filter("email", email.as_str()),
            &FindOptions {
                limit: Some(1),
                order: vec![crate::framework::data::OrderBy::parse("-has_account")],
                fields: Some(FieldTree::from_paths(["*", "groups.id"])),
                ..Default::default()
            },
        )
        .await?;
    if let Some(c) = found.first() {
        return Ok(GuestCustomer {
            id: text(&c["id"]).unwrap_or_default(),
            created: false,
            group_ids: c["groups"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|g| text(&g["id"]))
                .collect(),
        });
    }
    let created = customers
        .create(
            exec,
            "customer",
            vec![obj(json!({ "email": email, "has_account": false }))],
        )
        .await?;
    Ok(GuestCustomer {
        id: created
            .first()
            .and_then(|c| text(&c["id"]))
            .unwrap_or_default(),
        created: true,
        group_ids: Vec::new(),
    })
}

/// Creates a cart address from an address object, or from a customer's
/// address when given its id. Returns the new address id.
pub async fn create_address(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    given: &Value,
) -> Result<Option<String>, StepError> {
    Ok(create_address_row(exec, env, given)
        .await?
        .and_then(|a| text(&a["id"])))
}

/// [`create_address`], returning the new address row.
pub async fn create_address_row(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    given: &Value,
) -> Result<Option<Map<String, Value>>, StepError> {
    let source = match given {
        Value::Null => return Ok(None),
        Value::String(id) => svc(env, "customer")?
            .retrieve(exec, "customer_address", id, None)
            .await?
            .into_iter()
            .collect(),
        Value::Object(map) => map.clone(),
        _ => {
            return Err(StepError::permanent(
                "invalid_data",
                "Invalid request: an address must be an object or an address id",
            ));
        }
    };
    let mut row = Map::new();
    for field in ADDRESS_FIELDS {
        if let Some(v) = source.get(field) {
            let v = match (field, v) {
                ("country_code", Value::String(c)) => Value::String(c.to_lowercase()),
                (_, v) => v.clone(),
            };
            row.insert(field.to_owned(), v);
        }
    }
    if let Some(unknown) = source.keys().find(|k| {
        !ADDRESS_FIELDS.contains(&k.as_str())
            && ![
                "id",
                "customer_id",
                "address_name",
                "is_default_shipping",
                "is_default_billing",
                "created_at",
                "updated_at",
                "deleted_at",
            ]
            .contains(&k.as_str())
    }) {
        return Err(StepError::permanent(
            "invalid_data",
            format!("Invalid request: Unrecognized fields: '{unknown}'"),
        ));
    }
    let created = svc(env, "cart")?
        .create(exec, "cart_address", vec![row])
        .await?;
    Ok(created.into_iter().next())
}

/// Whether promotion `p` (with `campaign.budget`) can be used at `now`
/// (a stored timestamp): active, inside its campaign's dates, budget left.
pub fn usable(p: &Value, now: &str) -> bool {
    let campaign = &p["campaign"];
    let budget = &campaign["budget"];
    p["status"] == "active"
        && campaign["starts_at"].as_str().is_none_or(|s| s <= now)
        && campaign["ends_at"].as_str().is_none_or(|e| e > now)
        && (budget["limit"].is_null() || budget["used"].as_f64() < budget["limit"].as_f64())
}

/// Replaces the cart's promotion codes; every code must be an active promotion.
pub async fn set_promotions(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    cart_id: &str,
    codes: &[String],
) -> Result<(), StepError> {
    let promotions = if codes.is_empty() {
        Vec::new()
    } else {
        let request = GraphRequest {
            entity: "promotion".into(),
            fields: FieldTree::from_paths(["*", "campaign.*", "campaign.budget.*"]),
            filters: json!({ "code": codes }),
            ..Default::default()
        };
        env.query
            .graph(exec, &request)
            .await
            .map_err(|e| StepError::new(e.to_string()))?
            .data
    };
    let now = crate::db::codec::format_timestamp(chrono::Utc::now());
    for code in codes {
        let promo = promotions.iter().find(|p| {
            p["code"]
                .as_str()
                .is_some_and(|c| c.eq_ignore_ascii_case(code))
        });
        let usable = promo.is_some_and(|p| usable(&Value::Object(p.clone()), &now));
        if !usable {
            return Err(StepError::permanent(
                "invalid_data",
                format!("The promotion code {code} is invalid"),
            ));
        }
    }
    let existing = links::list(exec, &env.registry, "cart", cart_id)
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    let dismiss: Vec<LinkRef> = existing["promotion"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|p| LinkRef::new("cart", cart_id, "promotion", p))
        .collect();
    links::dismiss(exec, &env.registry, &dismiss)
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    let create: Vec<LinkRef> = promotions
        .iter()
        .filter_map(|p| p["id"].as_str())
        .map(|p| LinkRef::new("cart", cart_id, "promotion", p))
        .collect();
    links::create(exec, &env.registry, &create)
        .await
        .map_err(|e| StepError::new(e.to_string()))?;
    Ok(())
}

/// One requested line: variant, quantity, metadata.
pub struct NewItem {
    pub variant_id: String,
    pub quantity: i64,
    pub metadata: Value,
}

/// Reads `items` from a request body value.
pub fn new_items(items: &Value) -> Result<Vec<NewItem>, StepError> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let variant_id = required(i, "variant_id")?;
            let quantity = i["quantity"].as_i64().filter(|q| *q > 0).ok_or_else(|| {
                StepError::permanent(
                    "invalid_data",
                    "Invalid request: Field 'quantity' must be a positive whole number",
                )
            })?;
            Ok(NewItem {
                variant_id,
                quantity,
                metadata: i.get("metadata").cloned().unwrap_or(Value::Null),
            })
        })
        .collect()
}

/// A line [`add_items`] wrote: its id, its quantity before (`None` for a
/// new line) and the row as written.
pub struct TouchedLine {
    pub id: String,
    pub before: Option<i64>,
    pub row: Map<String, Value>,
}

/// Adds items to a cart (merging with one of its `existing` lines of the
/// same variant and metadata). Returns the lines it wrote.
pub async fn add_items(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    cart: &Value,
    existing: &[Value],
    items: &[NewItem],
) -> Result<Vec<TouchedLine>, StepError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let cart_id = text(&cart["id"]).unwrap_or_default();
    let cart_svc = svc(env, "cart")?;
    let ids: Vec<String> = items.iter().map(|i| i.variant_id.clone()).collect();
    let variants = load_variants(exec, &env.query, &ids).await?;
    let lists = lists_for(exec, env, &variants).await?;
    let ctx = cart_context(exec, &env.query, cart).await?;
    let mut touched = Vec::new();
    for item in items {
        let Some(variant) = variants
            .iter()
            .find(|v| v["id"].as_str() == Some(item.variant_id.as_str()))
        else {
            continue;
        };
        let same = existing.iter().find(|e| {
            e["variant_id"].as_str() == Some(item.variant_id.as_str())
                && e["metadata"] == item.metadata
        });
        match same {
            Some(line) => {
                let before = line["quantity"].as_i64().unwrap_or(0);
                check_stock(variant, before + item.quantity)?;
                let line_id = text(&line["id"]).unwrap_or_default();
                let row = cart_svc
                    .update_by_id(
                        exec,
                        "cart_line_item",
                        &line_id,
                        &obj(json!({ "quantity": before + item.quantity })),
                    )
                    .await?;
                touched.push(TouchedLine {
                    id: line_id,
                    before: Some(before),
                    row,
                });
            }
            None => {
                check_stock(variant, item.quantity)?;
                let price = unit_price(variant, &lists, &ctx)?;
                let mut row = obj(line_item_from(
                    variant,
                    item.quantity,
                    &price,
                    item.metadata.clone(),
                ));
                row.insert("cart_id".into(), Value::String(cart_id.clone()));
                let row = cart_svc
                    .create(exec, "cart_line_item", vec![row])
                    .await?
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                touched.push(TouchedLine {
                    id: text(&row["id"]).unwrap_or_default(),
                    before: None,
                    row,
                });
            }
        }
    }
    Ok(touched)
}

/// Re-prices every line of a cart for its (new) currency and region.
pub async fn reprice(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    cart: &Value,
) -> Result<(), StepError> {
    let cart_svc = svc(env, "cart")?;
    let cart_id = text(&cart["id"]).unwrap_or_default();
    let lines = cart_svc
        .list(
            exec,
            "cart_line_item",
            &one_filter("cart_id", cart_id.as_str()),
            &FindOptions::default(),
        )
        .await?;
    let ids: Vec<String> = lines
        .iter()
        .filter_map(|l| text(&l["variant_id"]))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let variants = load_variants(exec, &env.query, &ids).await?;
    let lists = lists_for(exec, env, &variants).await?;
    let ctx = cart_context(exec, &env.query, cart).await?;
    for line in &lines {
        let Some(variant) = variants.iter().find(|v| v["id"] == line["variant_id"]) else {
            continue;
        };
        let price = unit_price(variant, &lists, &ctx)?;
        let id = text(&line["id"]).unwrap_or_default();
        cart_svc
            .update_by_id(exec, "cart_line_item", &id, &obj(price.columns()))
            .await?;
    }
    Ok(())
}

/// Active price lists, read only when one of the variants has a list price.
async fn lists_for(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    variants: &[Value],
) -> Result<std::collections::HashMap<String, Value>, StepError> {
    let listed = variants.iter().any(|v| {
        v["price_set"]["prices"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| !p["price_list_id"].is_null())
    });
    if listed {
        price_lists(exec, &env.query).await
    } else {
        Ok(Default::default())
    }
}

/// Fails when the cart was completed already.
pub fn check_open(cart: &Value) -> Result<(), StepError> {
    if cart["completed_at"].is_null() {
        Ok(())
    } else {
        Err(StepError::permanent(
            "invalid_data",
            format!(
                "Cart {} is already completed.",
                cart["id"].as_str().unwrap_or_default()
            ),
        ))
    }
}
