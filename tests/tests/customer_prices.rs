//! Prices for customer groups: the demo store's "VIP prices" list sells
//! hoodies 20% off to members of the VIP group only. A guest and a
//! customer outside the group see the regular price; once the customer
//! joins the group, product reads with their token and the lines of their
//! cart carry the group price, with the regular price as `compare_at`.
//!
//! The admin adds the customer to the group with
//! `POST /admin/customer-groups/:id/customers`.

use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

async fn hoodie_price(store: &DemoStore, region_id: &str, token: Option<&str>) -> Value {
    let path = format!("/store/products?handle=hoodie&region_id={region_id}");
    let (status, body) = match token {
        Some(token) => store.get_as(&path, token).await,
        None => store.get(&path).await,
    };
    assert_eq!(status, 200, "{body}");
    body["products"][0]["variants"][0]["calculated_price"].clone()
}

async fn join_vip(store: &DemoStore, customer_id: &str) {
    let admin = store.admin_token().await;
    let (status, groups) = store.get_as("/admin/customer-groups?q=VIP", &admin).await;
    assert_eq!(status, 200, "{groups}");
    let group = groups["customer_groups"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, joined) = store
        .post_as(
            &format!("/admin/customer-groups/{group}/customers"),
            json!({ "add": [customer_id] }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{joined}");
    assert!(
        joined["customer_group"]["customers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == json!(customer_id)),
        "{joined}"
    );
}

#[tokio::test]
async fn a_customer_group_gets_its_price_list() {
    let store = DemoStore::start(None).await;
    let region = store.region("eur").await;
    let region_id = region["id"].as_str().unwrap();

    let guest = hoodie_price(&store, region_id, None).await;
    assert_eq!(guest["calculated_amount"], json!(45), "{guest}");
    assert_eq!(guest["is_calculated_price_price_list"], json!(false));

    let email = format!(
        "vip+{}@example.com",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let credentials = json!({ "email": email, "password": "hoodies" });
    let registration = store
        .ok("/auth/customer/emailpass/register", credentials.clone())
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, customer) = store
        .post_as(
            "/store/customers",
            json!({ "first_name": "Vi" }),
            &registration,
        )
        .await;
    assert_eq!(status, 200, "{customer}");
    let customer_id = customer["customer"]["id"].as_str().unwrap().to_owned();
    let token = store.ok("/auth/customer/emailpass", credentials).await["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let outside = hoodie_price(&store, region_id, Some(&token)).await;
    assert_eq!(outside["calculated_amount"], json!(45), "not a member yet");

    // A cart started before joining is priced regularly.
    let (_, products) = store.get("/store/products?handle=hoodie").await;
    let variant = products["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, cart) = store
        .post_as(
            "/store/carts",
            json!({ "region_id": region_id, "items": [{ "variant_id": variant, "quantity": 1 }] }),
            &token,
        )
        .await;
    assert_eq!(status, 200, "{cart}");
    assert_eq!(cart["cart"]["items"][0]["unit_price"], json!(45));

    join_vip(&store, &customer_id).await;

    let member = hoodie_price(&store, region_id, Some(&token)).await;
    assert_eq!(member["calculated_amount"], json!(36), "{member}");
    assert_eq!(member["original_amount"], json!(45));
    assert_eq!(member["calculated_price"]["price_list_type"], json!("sale"));
    let still_guest = hoodie_price(&store, region_id, None).await;
    assert_eq!(
        still_guest["calculated_amount"],
        json!(45),
        "guests keep the regular price (and no cached member answer leaks)"
    );

    // Lines added now get the group price; a new cart too.
    let cart_id = cart["cart"]["id"].as_str().unwrap();
    let (_, second) = store.get("/store/products?handle=hoodie").await;
    let other = second["products"][0]["variants"][1]["id"].as_str().unwrap();
    let updated = store
        .ok(
            &format!("/store/carts/{cart_id}/line-items"),
            json!({ "variant_id": other, "quantity": 1 }),
        )
        .await;
    let line = updated["cart"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["variant_id"] == other)
        .unwrap()
        .clone();
    assert_eq!(
        (
            line["unit_price"].clone(),
            line["compare_at_unit_price"].clone()
        ),
        (json!(36), json!(45)),
        "{line}"
    );
    let (status, fresh) = store
        .post_as(
            "/store/carts",
            json!({ "region_id": region_id, "items": [{ "variant_id": variant, "quantity": 2 }] }),
            &token,
        )
        .await;
    assert_eq!(status, 200, "{fresh}");
    assert_eq!(fresh["cart"]["items"][0]["unit_price"], json!(36));
    assert_eq!(fresh["cart"]["item_subtotal"], json!(72));
}
