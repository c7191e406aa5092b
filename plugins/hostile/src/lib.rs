//! A hostile plugin for the test suite: each route misbehaves in one way
//! (loops, exhausts memory, panics, reads data it may not, opens a file,
//! calls an ungranted module, escapes its module from a service method,
//! answers garbage). The host must stop or deny each while it keeps serving.
//! It also has a well-behaved route and a job that ticks every second.

use medusa_sdk::prelude::*;

struct Hostile;

impl Plugin for Hostile {
    fn manifest() -> Manifest {
        let mut m = Manifest::new("hostile", "0.1.0")
            .module(
                Module::new("hostile")
                    .model(Model::new("beat", "beat").text("note"))
                    .methods(["escape"]),
            )
            .module(Module::new("vault").model(Model::new("secret", "secret").text("value")))
            .module(Module::new("probe").model(Model::new("ping", "ping").number("seq")))
            .subscriber("count-pings", ["ping.sent"])
            .job("heartbeat", "every 1s")
            .hook("complete-cart", "validate")
            .requests_modules(["customer", "product", "cart"])
            .requests_directories(["granted-dir"])
            .requests_env(["HOSTILE_GRANTED"])
            .requests_http_hosts(["127.0.0.1", "ungranted.example"]);
        for route in [
            "/hostile/ok",
            "/hostile/loop",
            "/hostile/memory",
            "/hostile/panic",
            "/hostile/customers",
            "/hostile/products",
            "/hostile/file",
            "/hostile/granted-file",
            "/hostile/env",
            "/hostile/escape",
            "/hostile/garbage",
            "/hostile/emit",
            "/hostile/beats",
            "/hostile/sleep",
            "/hostile/burst",
            "/hostile/pings",
            "/hostile/fetch",
        ] {
            m = m.route(Method::Get, route);
        }
        // Collides with the host's own `GET /store/products/{id}`: not mounted.
        m = m.route(Method::Get, "/store/products/:handle");
        m
    }

    fn route(request: Request) -> Result<Response> {
        match request.route.as_str() {
            "/hostile/ok" => Response::ok(json!({ "ok": true })),
            "/hostile/loop" => {
                let mut n: u64 = 0;
                loop {
                    n = n.wrapping_add(1);
                    std::hint::black_box(n);
                }
            }
            "/hostile/sleep" => {
                std::thread::sleep(std::time::Duration::from_secs(60));
                Response::ok(json!({ "slept": true }))
            }
            "/hostile/memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1024 * 1024]);
                    std::hint::black_box(&hoard);
                }
            }
            "/hostile/panic" => panic!("hostile plugin panics on purpose"),
            // Requested, and granted only when the test's config says so.
            "/hostile/customers" => {
                let rows: Vec<Value> = data::list("customer", "customer", json!({}))?;
                Response::ok(json!({ "customers": rows }))
            }
            "/hostile/products" => {
                let rows: Vec<Value> = data::list("product", "product", json!({}))?;
                Response::ok(json!({ "count": rows.len() }))
            }
            "/hostile/file" => match std::fs::read_to_string("/etc/passwd") {
                Ok(text) => Response::ok(json!({ "leaked": text.len() })),
                Err(e) => Response::ok(json!({ "denied": e.to_string() })),
            },
            "/hostile/granted-file" => {
                std::fs::write("/granted-dir/note.txt", "written by a plugin")
                    .map_err(|e| Error::not_allowed(e.to_string()))?;
                let text = std::fs::read_to_string("/granted-dir/note.txt")
                    .map_err(|e| Error::not_allowed(e.to_string()))?;
                Response::ok(json!({ "read": text }))
            }
            // Outbound HTTP to whatever `?url=` names: only granted hosts answer.
            "/hostile/fetch" => {
                let url = request.query.get("url").cloned().unwrap_or_default();
                let answer = outbound::get(&url)?;
                Response::ok(json!({ "status": answer.status, "body": answer.body }))
            }
            "/hostile/env" => Response::ok(json!({
                "home": std::env::var("HOME").ok(),
                "granted": std::env::var("HOSTILE_GRANTED").ok(),
            })),
            "/hostile/escape" => {
                let out: Value = medusa_sdk::call_module("hostile", "escape", &json!({}))?;
                Response::ok(out)
            }
            "/hostile/garbage" => Response::json(999, json!({ "status": "nonsense" })),
            "/hostile/emit" => {
                medusa_sdk::emit("order.placed", &json!({ "id": "order_fake" }))?;
                Response::ok(json!({ "emitted": true }))
            }
            "/hostile/beats" => {
                let n = data::count("hostile", "beat", json!({}))?;
                Response::ok(json!({ "beats": n }))
            }
            "/hostile/burst" => {
                let n: u64 = request
                    .query
                    .get("n")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                for seq in 0..n {
                    medusa_sdk::emit("ping.sent", &json!({ "seq": seq }))?;
                }
                Response::ok(json!({ "emitted": n }))
            }
            "/hostile/pings" => {
                Response::ok(json!({ "pings": data::count("probe", "ping", json!({}))? }))
            }
            other => Err(Error::not_found(format!("no handler for {other}"))),
        }
    }

    fn event(_subscriber: &str, _name: &str, data: Value) -> Result<()> {
        let _: Value = data::create("probe", "ping", &json!({ "seq": data["seq"] }))?;
        Ok(())
    }

    /// `complete-cart`'s `validate` hook: carts of `@blocked.test` buyers are refused.
    fn step(_workflow: &str, step: &str, input: Value, _previous: Value) -> Result<StepOutput> {
        if step != "hook:validate" {
            return Err(Error::not_found(format!("no step {step}")));
        }
        let cart_id = input["cart_id"].as_str().unwrap_or_default();
        let carts: Vec<Value> =
            medusa_sdk::query("cart", &["id", "email"], json!({ "id": cart_id }))?;
        let email = carts
            .first()
            .and_then(|c| c["email"].as_str())
            .unwrap_or_default();
        if email.ends_with("@blocked.test") {
            return Err(Error::not_allowed("orders from blocked.test are refused")
                .with_code("buyer_blocked"));
        }
        Ok(StepOutput::new(json!({ "checked": cart_id })))
    }

    fn job(_name: &str) -> Result<()> {
        let _: Value = data::create("hostile", "beat", &json!({ "note": "tick" }))?;
        Ok(())
    }

    /// Runs as module `hostile`, and tries to read module `vault`.
    fn service(_module: &str, _method: &str, _args: Value) -> Result<Value> {
        let secrets: Vec<Value> = data::list("vault", "secret", json!({}))?;
        Ok(json!({ "secrets": secrets }))
    }
}

medusa_sdk::plugin!(Hostile);
