//! Inventory items and fulfillment after their creation (issue 6, §3.3 and
//! §3.4), over HTTP against the demo store: an item's fields change, its
//! levels change in one batch, a level and an item go away, but not while
//! units are reserved; a service zone is renamed and its geo zones
//! replaced; a shipping option's price changes and the storefront charges
//! the new one; a rule batch hides an option from the storefront and
//! removing the rule shows it again.

use medusa_tests::admin::Admin;
use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

fn level_at<'a>(item: &'a Value, location: &str) -> Option<&'a Value> {
    item["location_levels"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["location_id"] == location)
}

#[tokio::test]
async fn inventory_items_and_levels_change_and_go_but_not_while_reserved() {
    let store = DemoStore::start(None).await;
    let admin = Admin::login(&store).await;
    let locations = admin.get("/admin/stock-locations").await;
    let warehouse = locations["stock_locations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let annex = admin
        .post("/admin/stock-locations", json!({ "name": "Annex" }))
        .await["stock_location"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let item = admin
        .post(
            "/admin/inventory-items",
            json!({ "sku": "GIFT-BOX", "title": "Gift box", "description": "Cardboard",
                    "weight": 120, "origin_country": "de",
                    "location_levels": [{ "location_id": warehouse, "stocked_quantity": 10 }] }),
        )
        .await["inventory_item"]
        .clone();
    let id = item["id"].as_str().unwrap().to_owned();
    assert_eq!(item["description"], "Cardboard");
    assert_eq!(item["weight"], 120.0);
    let (status, body) = admin
        .post_status(
            "/admin/inventory-items",
            json!({ "sku": "X", "colour": "red" }),
        )
        .await;
    assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));

    let updated = admin
        .post(
            &format!("/admin/inventory-items/{id}"),
            json!({ "title": "Gift box (large)", "weight": 150, "requires_shipping": false }),
        )
        .await["inventory_item"]
        .clone();
    assert_eq!(updated["title"], "Gift box (large)");
    assert_eq!(updated["weight"], 150.0);
    assert_eq!(updated["requires_shipping"], false);
    assert_eq!(updated["sku"], "GIFT-BOX", "untouched fields stay");

    let batched = admin
        .post(
            &format!("/admin/inventory-items/{id}/location-levels/batch"),
            json!({ "create": [{ "location_id": annex, "stocked_quantity": 4 }],
                    "update": [{ "location_id": warehouse, "stocked_quantity": 50 }] }),
        )
        .await["inventory_item"]
        .clone();
    assert_eq!(
        level_at(&batched, &warehouse).unwrap()["stocked_quantity"],
        50
    );
    assert_eq!(level_at(&batched, &annex).unwrap()["stocked_quantity"], 4);
    assert_eq!(batched["stocked_quantity"], 54);
    // A batch that fails halfway leaves everything as it was.
    let (status, _) = admin
        .post_status(
            &format!("/admin/inventory-items/{id}/location-levels/batch"),
            json!({ "update": [{ "location_id": warehouse, "stocked_quantity": 1 }],
                    "create": [{ "location_id": annex }] }),
        )
        .await;
    assert_eq!(status, 400, "the annex level exists already");
    let item = admin.get(&format!("/admin/inventory-items/{id}")).await;
    assert_eq!(
        level_at(&item["inventory_item"], &warehouse).unwrap()["stocked_quantity"],
        50
    );

    let (status, gone) = admin
        .delete_status(&format!(
            "/admin/inventory-items/{id}/location-levels/{annex}"
        ))
        .await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(gone["object"], "inventory-level");
    assert!(level_at(&gone["parent"], &annex).is_none());

    // Units reserved by an order pin a demo variant's item and level.
    let variant = store.get("/store/products?limit=1").await.1["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let europe = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let cart = store.ready_cart(&europe, &variant, 1).await;
    let order = store
        .ok(&format!("/store/carts/{cart}/complete"), json!({}))
        .await;
    assert_eq!(order["type"], "order", "{order}");
    let items = admin
        .get(&format!(
            "/admin/products?fields=id,*variants.inventory_items&id={}",
            order["order"]["items"][0]["product_id"].as_str().unwrap()
        ))
        .await;
    let reserved_item = items["products"][0]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == variant.as_str())
        .unwrap()["inventory_items"][0]["inventory_item_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = admin
        .delete_status(&format!(
            "/admin/inventory-items/{reserved_item}/location-levels/{warehouse}"
        ))
        .await;
    assert_eq!(
        (status, body["type"].clone()),
        (400, json!("not_allowed")),
        "{body}"
    );
    let (status, body) = admin
        .delete_status(&format!("/admin/inventory-items/{reserved_item}"))
        .await;
    assert_eq!(
        (status, body["type"].clone()),
        (400, json!("not_allowed")),
        "{body}"
    );

    let (status, deleted) = admin
        .delete_status(&format!("/admin/inventory-items/{id}"))
        .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["object"], "inventory_item");
    let (status, _) = store
        .get_as(&format!("/admin/inventory-items/{id}"), &admin.token)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn zones_and_shipping_options_change_and_the_storefront_follows() {
    let store = DemoStore::start(None).await;
    let admin = Admin::login(&store).await;

    // A service zone renamed, its geo zones replaced.
    let location = admin
        .post("/admin/stock-locations", json!({ "name": "Depot" }))
        .await["stock_location"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let located = admin
        .post(
            &format!("/admin/stock-locations/{location}/fulfillment-sets?fields=*fulfillment_sets"),
            json!({ "name": "Depot shipping", "type": "shipping" }),
        )
        .await;
    let set = located["stock_location"]["fulfillment_sets"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let with_zone = admin
        .post(
            &format!("/admin/fulfillment-sets/{set}/service-zones"),
            json!({ "name": "DACH", "geo_zones": [{ "type": "country", "country_code": "de" }] }),
        )
        .await;
    let zone = &with_zone["fulfillment_set"]["service_zones"][0];
    let zone_id = zone["id"].as_str().unwrap().to_owned();
    let germany = zone["geo_zones"][0]["id"].clone();
    let changed = admin
        .post(
            &format!("/admin/fulfillment-sets/{set}/service-zones/{zone_id}"),
            json!({ "name": "Central Europe", "geo_zones": [
                { "id": germany, "type": "country", "country_code": "de" },
                { "type": "country", "country_code": "AT" },
            ] }),
        )
        .await;
    let zone = &changed["fulfillment_set"]["service_zones"][0];
    assert_eq!(zone["name"], "Central Europe");
    let mut countries: Vec<&str> = zone["geo_zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["country_code"].as_str().unwrap())
        .collect();
    countries.sort();
    assert_eq!(countries, ["at", "de"]);
    assert!(
        zone["geo_zones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["id"] == germany)
    );
    let replaced = admin
        .post(
            &format!("/admin/fulfillment-sets/{set}/service-zones/{zone_id}"),
            json!({ "geo_zones": [{ "type": "country", "country_code": "it" }] }),
        )
        .await;
    let zone = &replaced["fulfillment_set"]["service_zones"][0];
    assert_eq!(zone["name"], "Central Europe");
    assert_eq!(zone["geo_zones"].as_array().unwrap().len(), 1);
    assert_eq!(zone["geo_zones"][0]["country_code"], "it");

    // The demo's standard option costs more; an EUR cart pays the new price.
    let options = admin
        .get("/admin/shipping-options?q=Standard&limit=50")
        .await;
    let europe = store.region("eur").await["id"].as_str().unwrap().to_owned();
    let variant = store.get("/store/products?limit=1").await.1["products"][0]["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cart = store.ready_cart(&europe, &variant, 1).await;
    let (_, offered) = store
        .get(&format!("/store/shipping-options?cart_id={cart}"))
        .await;
    let offered_ids: Vec<&str> = offered["shipping_options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    let option = options["shipping_options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| offered_ids.contains(&o["id"].as_str().unwrap()))
        .expect("the standard option of the cart's channel")
        .clone();
    let id = option["id"].as_str().unwrap().to_owned();
    let prices: Vec<Value> = option["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let amount = if p["currency_code"] == "eur" && p["region_id"].is_null() {
                json!(7.5)
            } else {
                p["amount"].clone()
            };
            let mut kept = json!({ "id": p["id"], "amount": amount });
            match p["region_id"].as_str() {
                Some(region) => kept["region_id"] = json!(region),
                None => kept["currency_code"] = p["currency_code"].clone(),
            }
            kept
        })
        .collect();
    let updated = admin
        .post(
            &format!("/admin/shipping-options/{id}"),
            json!({ "name": "Standard (slower)", "prices": prices, "type": { "label": "Slow" } }),
        )
        .await["shipping_option"]
        .clone();
    assert_eq!(updated["name"], "Standard (slower)");
    assert_eq!(updated["type"]["label"], "Slow");
    assert_eq!(updated["prices"].as_array().unwrap().len(), prices.len());
    let fresh = store.ready_cart(&europe, &variant, 1).await;
    let (_, offered) = store
        .get(&format!("/store/shipping-options?cart_id={fresh}"))
        .await;
    let standard = offered["shipping_options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id.as_str())
        .expect("still offered")
        .clone();
    assert_eq!(standard["amount"], 7.5, "{standard}");
    assert_eq!(standard["name"], "Standard (slower)");

    // A rule that the storefront context fails hides the option.
    let batch = admin
        .post(
            &format!("/admin/shipping-options/{id}/rules/batch"),
            json!({ "create": [{ "attribute": "enabled_in_store", "operator": "eq", "value": "false" }] }),
        )
        .await;
    let rule = batch["created"][0]["id"].as_str().unwrap().to_owned();
    let (_, offered) = store
        .get(&format!("/store/shipping-options?cart_id={fresh}"))
        .await;
    assert!(
        !offered["shipping_options"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == id.as_str()),
        "{offered}"
    );
    let batch = admin
        .post(
            &format!("/admin/shipping-options/{id}/rules/batch"),
            json!({ "delete": [rule] }),
        )
        .await;
    assert_eq!(batch["deleted"]["ids"], json!([rule]));
    let (_, offered) = store
        .get(&format!("/store/shipping-options?cart_id={fresh}"))
        .await;
    assert!(
        offered["shipping_options"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == id.as_str()),
        "{offered}"
    );
    let (status, body) = admin
        .post_status(
            &format!("/admin/shipping-options/{id}"),
            json!({ "price_type": "free" }),
        )
        .await;
    assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));
}
