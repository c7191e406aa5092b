//! A customer's addresses in the back office (issue 6, §3.7), over HTTP
//! against the demo store: the admin adds two addresses to a registered
//! customer, the second default one takes the default role from the first,
//! changes one, lists them, deletes one; the customer sees the same
//! addresses on `/store/customers/me`. Strict bodies and other customers'
//! addresses are refused.

use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

fn by_city<'a>(customer: &'a Value, city: &str) -> &'a Value {
    customer["addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["city"] == city)
        .unwrap_or_else(|| panic!("no address in {city}: {customer}"))
}

#[tokio::test]
async fn an_admin_keeps_a_customers_address_book() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let shopper = store.customer_token().await;
    let (_, me) = store.get_as("/store/customers/me", &shopper).await;
    let customer = me["customer"]["id"].as_str().unwrap().to_owned();
    let base = format!("/admin/customers/{customer}/addresses");

    let (status, first) = store
        .post_as(
            &base,
            json!({ "address_1": "Unter den Linden 1", "city": "Berlin", "country_code": "DE",
                    "is_default_shipping": true }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{first}");
    let berlin = by_city(&first["customer"], "Berlin");
    assert_eq!(berlin["country_code"], "de");
    assert_eq!(berlin["is_default_shipping"], true);
    let berlin_id = berlin["id"].as_str().unwrap().to_owned();

    let (status, second) = store
        .post_as(
            &base,
            json!({ "address_1": "Rue de Rivoli 1", "city": "Paris", "country_code": "fr",
                    "is_default_shipping": true }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        by_city(&second["customer"], "Paris")["is_default_shipping"],
        true
    );
    assert_eq!(
        by_city(&second["customer"], "Berlin")["is_default_shipping"],
        false,
        "one default shipping address"
    );

    let (status, changed) = store
        .post_as(
            &format!("{base}/{berlin_id}"),
            json!({ "postal_code": "10117", "company": "Museum" }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        by_city(&changed["customer"], "Berlin")["postal_code"],
        "10117"
    );

    let (_, listed) = store.get_as(&format!("{base}?city=Berlin"), &admin).await;
    assert_eq!(listed["count"], 1, "{listed}");
    let (_, one) = store.get_as(&format!("{base}/{berlin_id}"), &admin).await;
    assert_eq!(one["address"]["company"], "Museum");

    let (_, mine) = store
        .get_as("/store/customers/me/addresses", &shopper)
        .await;
    assert_eq!(mine["count"], 2, "the customer sees them: {mine}");

    for (body, why) in [
        (json!({ "city": "Rome", "colour": "red" }), "unknown field"),
        (json!({ "city": 7 }), "wrong type"),
    ] {
        let (status, answer) = store.post_as(&base, body, &admin).await;
        assert_eq!(
            (status, answer["type"].clone()),
            (400, json!("invalid_data")),
            "{why}"
        );
    }
    let other = store.customer_token().await;
    let (_, them) = store.get_as("/store/customers/me", &other).await;
    let stranger = them["customer"]["id"].as_str().unwrap();
    let (status, _) = store
        .get_as(
            &format!("/admin/customers/{stranger}/addresses/{berlin_id}"),
            &admin,
        )
        .await;
    assert_eq!(status, 404, "not that customer's address");
    let (status, _) = store.get_as(&base, &shopper).await;
    assert_eq!(status, 401, "a customer token is no admin");

    let (status, gone) = store
        .delete_as(&format!("{base}/{berlin_id}"), &admin)
        .await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(gone["object"], "customer_address");
    assert_eq!(gone["parent"]["addresses"].as_array().unwrap().len(), 1);
}
