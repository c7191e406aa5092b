//! Variants that take several units of an inventory item (a link with
//! `required_quantity`): the demo store's socks come single and as a 3-pack
//! drawing from the same item. Availability, the link rows in `fields`, the
//! stock check when adding to a cart and the reservation at completion all
//! count the pack as three units.

use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

/// The socks variants by title, with `inventory_quantity` and their inventory links.
async fn socks(store: &DemoStore, region_id: &str) -> Vec<Value> {
    let (status, body) = store
        .get(&format!(
            "/store/products?handle=socks&region_id={region_id}&fields=+variants.inventory_quantity,*variants.inventory_items,+variants.inventory_items.inventory.id"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    body["products"][0]["variants"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn titled<'a>(variants: &'a [Value], title: &str) -> &'a Value {
    variants
        .iter()
        .find(|v| v["title"] == title)
        .unwrap_or_else(|| panic!("no variant {title} in {variants:?}"))
}

#[tokio::test]
async fn a_three_pack_counts_as_three_units_of_its_item() {
    let store = DemoStore::start(None).await;
    let region = store.region("eur").await;
    let region_id = region["id"].as_str().unwrap();

    let variants = socks(&store, region_id).await;
    assert_eq!(variants.len(), 4, "two sizes, single and 3-pack");
    let (single, pack) = (
        titled(&variants, "S/M / Single"),
        titled(&variants, "S/M / 3-Pack"),
    );
    assert_eq!(single["inventory_quantity"], json!(100));
    assert_eq!(pack["inventory_quantity"], json!(33), "floor(100 / 3)");
    let link = &pack["inventory_items"][0];
    assert_eq!(link["required_quantity"], json!(3), "{pack}");
    assert_eq!(link["variant_id"], pack["id"]);
    assert_eq!(
        link["inventory"]["id"], single["inventory_items"][0]["inventory_item_id"],
        "the pack draws from the single's item"
    );
    assert_eq!(single["inventory_items"][0]["required_quantity"], json!(1));
    assert_eq!(
        pack["calculated_price"]["calculated_amount"],
        json!(20),
        "3 × 8 EUR, a sixth off"
    );

    // 34 packs would take 102 units of 100.
    let cart = store
        .ok("/store/carts", json!({ "region_id": region_id }))
        .await;
    let cart_id = cart["cart"]["id"].as_str().unwrap();
    let pack_id = pack["id"].as_str().unwrap();
    let (status, refused) = store
        .post(
            &format!("/store/carts/{cart_id}/line-items"),
            json!({ "variant_id": pack_id, "quantity": 34 }),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["type"], "not_allowed", "{refused}");

    // Two packs reserve six units: the single has 94 left, the pack 31.
    let ready = store.ready_cart(region_id, pack_id, 2).await;
    let (status, order) = store
        .post(&format!("/store/carts/{ready}/complete"), json!({}))
        .await;
    assert_eq!((status, &order["type"]), (200, &json!("order")), "{order}");
    let after = socks(&store, region_id).await;
    assert_eq!(
        titled(&after, "S/M / Single")["inventory_quantity"],
        json!(94)
    );
    assert_eq!(
        titled(&after, "S/M / 3-Pack")["inventory_quantity"],
        json!(31)
    );
    assert_eq!(
        titled(&after, "L/XL / Single")["inventory_quantity"],
        json!(100),
        "the other size is untouched"
    );
}
