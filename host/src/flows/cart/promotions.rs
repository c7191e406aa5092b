//! The promotions a cart is priced with: the codes applied to it plus every
//! usable automatic promotion, with what their rules need to be checked
//! (the customer's groups). After the adjustments are computed, the
//! automatic promotions that gave some are linked to the cart (so completing
//! it consumes their budgets) and those that no longer do are unlinked.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use serde_json::{Value, json};

use super::support::usable;
use crate::db::{Exec, changes};
use crate::framework::links::{self, LinkRef};
use crate::framework::query::GraphRequest;
use crate::framework::query::fields::FieldTree;
use crate::framework::workflows::{StepError, WorkflowEnv};

/// The fields a promotion is evaluated with.
pub const PROMOTION_FIELDS: &[&str] = &[
    "*",
    "application_method.*",
    "promotion_rules.*",
    "campaign.*",
    "campaign.budget.*",
];

fn graph_err(e: impl std::fmt::Display) -> StepError {
    StepError::new(e.to_string())
}

/// The active automatic promotions as last read, at the promotion
/// generation they were read at: every cart change prices with them, and
/// they change only when promotions are written.
static AUTOMATIC: RwLock<Option<(u64, Arc<Vec<Value>>)>> = RwLock::new(None);

/// Active automatic promotions usable now.
async fn automatic(exec: &mut Exec<'_>, env: &WorkflowEnv) -> Result<Vec<Value>, StepError> {
    let now = crate::db::codec::format_timestamp(chrono::Utc::now());
    let all = match cached_automatic(exec) {
        Some(all) => all,
        None => read_automatic(exec, env).await?,
    };
    Ok(all.iter().filter(|p| usable(p, &now)).cloned().collect())
}

/// The cached automatic promotions, while no promotion was written since
/// (this transaction's own writes included).
fn cached_automatic(exec: &Exec<'_>) -> Option<Arc<Vec<Value>>> {
    if exec.touched_promotions() {
        return None;
    }
    let cached = AUTOMATIC.read().ok()?;
    let (generation, all) = cached.as_ref()?;
    (*generation == changes::promotion_generation()).then(|| all.clone())
}

/// Reads the active automatic promotions, and keeps them when no promotion
/// was written while they were read.
async fn read_automatic(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
) -> Result<Arc<Vec<Value>>, StepError> {
    let ticket = changes::promotion_generation();
    let request = GraphRequest {
        entity: "promotion".into(),
        fields: FieldTree::from_paths(PROMOTION_FIELDS),
        filters: json!({ "is_automatic": true, "status": "active" }),
        ..Default::default()
    };
    let all: Arc<Vec<Value>> = Arc::new(
        env.query
            .graph(exec, &request)
            .await
            .map_err(graph_err)?
            .data
            .into_iter()
            .map(Value::Object)
            .collect(),
    );
    if !exec.touched_promotions()
        && changes::promotion_generation() == ticket
        && let Ok(mut cached) = AUTOMATIC.write()
    {
        *cached = Some((ticket, all.clone()));
    }
    Ok(all)
}

fn mentions_customer(promotions: &[Value]) -> bool {
    promotions.iter().any(|p| {
        p["promotion_rules"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| {
                r["attribute"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("customer."))
            })
    })
}

/// The promotions to price `cart` with; puts the customer's groups into
/// `cart.customer` when a rule asks for them.
pub async fn candidates(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    cart: &mut Value,
) -> Result<Vec<Value>, StepError> {
    let mut out: Vec<Value> = cart["promotions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["status"] == "active" && p["is_automatic"] != true)
        .cloned()
        .collect();
    out.extend(automatic(exec, env).await?);
    if mentions_customer(&out)
        && let Some(customer) = cart["customer_id"].as_str().map(str::to_owned)
    {
        let request = GraphRequest {
            entity: "customer".into(),
            fields: FieldTree::from_paths(["id", "email", "groups.id"]),
            filters: json!({ "id": customer }),
            ..Default::default()
        };
        if let Some(found) = env
            .query
            .graph(exec, &request)
            .await
            .map_err(graph_err)?
            .data
            .into_iter()
            .next()
        {
            cart["customer"]["groups"] = found.get("groups").cloned().unwrap_or(json!([]));
        }
    }
    Ok(out)
}

/// Links the automatic promotions in `applied` to the cart and unlinks the
/// automatic ones that no longer apply; `cart.promotions` then lists the
/// codes and the applied automatic promotions.
pub async fn sync_automatic(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    cart: &mut Value,
    candidates: &[Value],
    applied: &BTreeSet<String>,
) -> Result<(), StepError> {
    let cart_id = cart["id"].as_str().unwrap_or_default().to_owned();
    let linked: Vec<String> = cart["promotions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["is_automatic"] == true)
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect();
    let gone: Vec<LinkRef> = linked
        .iter()
        .filter(|id| !applied.contains(*id))
        .map(|id| LinkRef::new("cart", &cart_id, "promotion", id))
        .collect();
    let automatic: Vec<&Value> = candidates
        .iter()
        .filter(|p| p["is_automatic"] == true)
        .filter(|p| p["id"].as_str().is_some_and(|id| applied.contains(id)))
        .collect();
    let fresh: Vec<LinkRef> = automatic
        .iter()
        .filter_map(|p| p["id"].as_str())
        .filter(|id| !linked.iter().any(|l| l == id))
        .map(|id| LinkRef::new("cart", &cart_id, "promotion", id))
        .collect();
    if !gone.is_empty() {
        links::dismiss(exec, &env.registry, &gone)
            .await
            .map_err(graph_err)?;
    }
    if !fresh.is_empty() {
        links::create(exec, &env.registry, &fresh)
            .await
            .map_err(graph_err)?;
    }
    let mut listed: Vec<Value> = cart["promotions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["is_automatic"] != true)
        .cloned()
        .collect();
    listed.extend(automatic.into_iter().cloned());
    cart["promotions"] = Value::Array(listed);
    Ok(())
}
