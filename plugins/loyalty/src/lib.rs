//! The loyalty plugin: customers earn one point per whole unit of currency
//! spent on items (before tax and shipping). A subscriber on `order.placed` awards the points (once per order,
//! however often the event is delivered), `GET /store/customers/me/loyalty`
//! shows the logged-in customer's balance, and
//! `POST /admin/loyalty/:customer_id/adjust` lets the merchant adjust it.

use medusa_sdk::prelude::*;
use medusa_sdk::query;

struct Loyalty;

const MODULE: &str = "loyalty";

impl Plugin for Loyalty {
    fn manifest() -> Manifest {
        Manifest::new("loyalty", env!("CARGO_PKG_VERSION"))
            .module(
                Module::new(MODULE)
                    .model(
                        Model::new("loyalty_account", "loyacc")
                            .text("customer_id")
                            .unique()
                            .number("points")
                            .default(json!(0)),
                    )
                    .model(
                        Model::new("loyalty_entry", "loyent")
                            .text("customer_id")
                            .text("reason")
                            .text("order_id")
                            .nullable()
                            .unique()
                            .number("points"),
                    ),
            )
            .route(Method::Get, "/store/customers/me/loyalty")
            .route(Method::Post, "/admin/loyalty/:customer_id/adjust")
            .subscriber("award-points", ["order.placed"])
            .requests_modules(["order"])
    }

    fn route(request: Request) -> Result<Response> {
        if request.is(Method::Get, "/store/customers/me/loyalty") {
            let customer_id = request
                .customer_id()
                .ok_or_else(|| Error::unauthorized("Unauthorized"))?;
            let entries: Vec<Value> = data::list(
                MODULE,
                "loyalty_entry",
                json!({ "customer_id": customer_id }),
            )?;
            return Response::ok(json!({
                "loyalty": { "customer_id": customer_id, "points": balance(customer_id)?, "entries": entries }
            }));
        }
        if request.is(Method::Post, "/admin/loyalty/:customer_id/adjust") {
            let customer_id = request.param("customer_id")?;
            let body: Value = request.json()?;
            let points = body["points"]
                .as_i64()
                .ok_or_else(|| Error::invalid_data("points must be an integer"))?;
            let reason = body["reason"].as_str().unwrap_or("adjustment");
            let total = add_points(customer_id, points, reason, None)?;
            return Response::ok(
                json!({ "loyalty": { "customer_id": customer_id, "points": total } }),
            );
        }
        Err(Error::not_found(format!(
            "no handler for {}",
            request.route
        )))
    }

    fn event(_subscriber: &str, _name: &str, data: Value) -> Result<()> {
        let order_id = data["id"]
            .as_str()
            .ok_or_else(|| Error::invalid_data("order.placed without an id"))?;
        let already: Vec<Value> =
            data::list(MODULE, "loyalty_entry", json!({ "order_id": order_id }))?;
        if !already.is_empty() {
            return Ok(());
        }
        let orders: Vec<Value> = query(
            "order",
            &["id", "customer_id", "items.unit_price", "items.quantity"],
            json!({ "id": order_id }),
        )?;
        let Some(order) = orders.into_iter().next() else {
            return Err(Error::not_found(format!("order {order_id} not found")));
        };
        let Some(customer_id) = order["customer_id"].as_str().filter(|c| !c.is_empty()) else {
            return Ok(());
        };
        let number = |v: &Value| {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
                .unwrap_or(0.0)
        };
        let spent: f64 = order["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| number(&item["unit_price"]) * number(&item["quantity"]))
            .sum();
        // Whole units of the items' value: 45.90 EUR earns 45 points.
        let points = spent.floor() as i64;
        add_points(customer_id, points, "order", Some(order_id))?;
        Ok(())
    }
}

fn balance(customer_id: &str) -> Result<i64> {
    let accounts: Vec<Value> = data::list(
        MODULE,
        "loyalty_account",
        json!({ "customer_id": customer_id }),
    )?;
    Ok(accounts
        .first()
        .and_then(|a| a["points"].as_i64())
        .unwrap_or(0))
}

fn add_points(customer_id: &str, points: i64, reason: &str, order_id: Option<&str>) -> Result<i64> {
    let _: Value = data::create(
        MODULE,
        "loyalty_entry",
        &json!({ "customer_id": customer_id, "reason": reason, "order_id": order_id, "points": points }),
    )?;
    let accounts: Vec<Value> = data::list(
        MODULE,
        "loyalty_account",
        json!({ "customer_id": customer_id }),
    )?;
    let total = match accounts.first() {
        Some(account) => {
            let total = account["points"].as_i64().unwrap_or(0) + points;
            let id = account["id"].as_str().unwrap_or_default();
            let _: Value =
                data::update(MODULE, "loyalty_account", id, &json!({ "points": total }))?;
            total
        }
        None => {
            let _: Value = data::create(
                MODULE,
                "loyalty_account",
                &json!({ "customer_id": customer_id, "points": points }),
            )?;
            points
        }
    };
    Ok(total)
}

medusa_sdk::plugin!(Loyalty);
