//! A product's variants and options after its creation (issue 6, §3.2), over
//! HTTP against the demo store: add a variant (its option values checked),
//! change its prices (the storefront's `calculated_price` follows), add and
//! change options, a batch that creates, updates and deletes variants in one
//! go, delete a variant, link a variant to an inventory item with a
//! required quantity, a product update that upserts options and variants
//! and deletes the ones left out, and a sales channel's products.

use medusa_tests::admin::Admin;
use medusa_tests::store::DemoStore;
use serde_json::{Value, json};

fn variant<'a>(product: &'a Value, title: &str) -> &'a Value {
    product["variants"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["title"] == title)
        .unwrap_or_else(|| panic!("no variant {title} in {product}"))
}

fn titles(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v["title"]
                .as_str()
                .or(v["value"].as_str())
                .map(str::to_owned)
        })
        .collect();
    out.sort();
    out
}

fn option<'a>(product: &'a Value, title: &str) -> &'a Value {
    product["options"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["title"] == title)
        .unwrap_or_else(|| panic!("no option {title} in {product}"))
}

#[tokio::test]
async fn an_admin_manages_variants_and_options_of_an_existing_product() {
    let store = DemoStore::start(None).await;
    let admin = Admin::login(&store).await;
    let channels = admin.get("/admin/sales-channels?q=Default").await;
    let channel = channels["sales_channels"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = admin
        .post(
            "/admin/products",
            json!({
                "title": "Trail Cap", "status": "published",
                "options": [{ "title": "Size", "values": ["S", "M"] }],
                "variants": [{ "title": "S", "sku": "CAP-S", "options": { "Size": "S" },
                               "prices": [{ "currency_code": "eur", "amount": 20 }] }],
                "sales_channels": [{ "id": channel }],
            }),
        )
        .await;
    let product = created["product"]["id"].as_str().unwrap().to_owned();
    let base = format!("/admin/products/{product}");
    let small = variant(&created["product"], "S")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Add a variant; its option values are checked.
    let added = admin
        .post(
            &format!("{base}/variants"),
            json!({ "title": "M", "sku": "CAP-M", "options": { "Size": "M" },
                    "prices": [{ "currency_code": "eur", "amount": 22 }] }),
        )
        .await;
    assert_eq!(added["product"]["variants"].as_array().unwrap().len(), 2);
    let medium = variant(&added["product"], "M")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let twice = admin
        .refused(
            &format!("{base}/variants"),
            json!({ "title": "M again", "options": { "Size": "M" }, "prices": [] }),
            400,
        )
        .await;
    assert!(twice.contains("already exists"), "{twice}");
    let missing = admin
        .refused(
            &format!("{base}/variants"),
            json!({ "title": "No size", "prices": [] }),
            400,
        )
        .await;
    assert!(missing.contains("missing options"), "{missing}");
    admin
        .refused(
            &format!("{base}/variants"),
            json!({ "title": "XL", "options": { "Size": "XL" }, "prices": [] }),
            400,
        )
        .await;
    admin
        .refused(
            &format!("{base}/variants"),
            json!({ "title": "Odd", "colour": "red", "prices": [] }),
            400,
        )
        .await;

    let listed = admin
        .get(&format!("{base}/variants?order=variant_rank"))
        .await;
    assert_eq!(listed["count"], 2, "{listed}");
    assert_eq!(titles(&listed["variants"]), vec!["M", "S"]);
    let across = admin.get("/admin/product-variants?sku=CAP-M").await;
    assert_eq!(across["count"], 1, "{across}");
    assert_eq!(across["variants"][0]["id"], medium.as_str());
    let one = admin.get(&format!("{base}/variants/{small}")).await;
    assert_eq!(one["variant"]["sku"], "CAP-S");
    assert_eq!(one["variant"]["prices"][0]["amount"], 20);
    let (status, _) = store
        .get_as(&format!("{base}/variants/variant_missing"), &admin.token)
        .await;
    assert_eq!(status, 404);

    // New prices for S: the EUR price changes, a USD one appears, and the
    // storefront prices it so.
    let eur_price = one["variant"]["prices"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let updated = admin
        .post(
            &format!("{base}/variants/{small}"),
            json!({ "sku": "CAP-SMALL", "prices": [
                { "id": eur_price, "amount": 25 },
                { "currency_code": "usd", "amount": 27 },
            ] }),
        )
        .await;
    let prices = &variant(&updated["product"], "S")["prices"];
    let mut amounts: Vec<(String, i64)> = prices
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["currency_code"].as_str().unwrap().to_owned(),
                p["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    amounts.sort();
    assert_eq!(amounts, vec![("eur".into(), 25), ("usd".into(), 27)]);
    assert_eq!(variant(&updated["product"], "S")["sku"], "CAP-SMALL");
    let europe = store.region("eur").await;
    let (_, shop) = store
        .get(&format!(
            "/store/products/{product}?region_id={}",
            europe["id"].as_str().unwrap()
        ))
        .await;
    let priced = variant(&shop["product"], "S");
    assert_eq!(
        priced["calculated_price"]["calculated_amount"], 25,
        "{priced}"
    );

    // Options: add Color, give Size a third value; S keeps its value's id.
    let size = option(&updated["product"], "Size").clone();
    let small_value = size["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == "S")
        .unwrap()["id"]
        .clone();
    let with_color = admin
        .post(
            &format!("{base}/options"),
            json!({ "title": "Color", "values": ["Red", "Blue"] }),
        )
        .await;
    assert_eq!(
        titles(&with_color["product"]["options"]),
        vec!["Color", "Size"]
    );
    admin
        .refused(
            &format!("{base}/options"),
            json!({ "title": "Color", "values": ["Green"] }),
            400,
        )
        .await;
    let size_id = size["id"].as_str().unwrap();
    let resized = admin
        .post(
            &format!("{base}/options/{size_id}"),
            json!({ "values": ["S", "M", "L"] }),
        )
        .await;
    let size = option(&resized["product"], "Size");
    assert_eq!(titles(&size["values"]), vec!["L", "M", "S"]);
    assert!(
        size["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == small_value),
        "{size}"
    );
    let options = admin.get(&format!("{base}/options")).await;
    assert_eq!(options["count"], 2, "{options}");
    let color = option(&resized["product"], "Color")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let one_option = admin.get(&format!("{base}/options/{color}")).await;
    assert_eq!(
        titles(&one_option["product_option"]["values"]),
        vec!["Blue", "Red"]
    );

    // S becomes red; then a batch adds L/Red, renames M and deletes S.
    let red = admin
        .post(
            &format!("{base}/variants/{small}"),
            json!({ "options": { "Color": "Red" } }),
        )
        .await;
    let values: Vec<String> = variant(&red["product"], "S")["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        values.contains(&"Red".to_owned()) && values.contains(&"S".to_owned()),
        "{values:?}"
    );
    let batch = admin
        .post(
            &format!("{base}/variants/batch"),
            json!({
                "create": [{ "title": "L", "sku": "CAP-L", "options": { "Size": "L", "Color": "Red" },
                             "prices": [{ "currency_code": "eur", "amount": 24 }] }],
                "update": [{ "id": medium, "title": "Medium" }],
                "delete": [small],
            }),
        )
        .await;
    assert_eq!(batch["created"][0]["title"], "L", "{batch}");
    assert_eq!(batch["updated"][0]["title"], "Medium");
    assert_eq!(batch["deleted"]["ids"], json!([small]));
    let after = admin.get(&base).await;
    assert_eq!(titles(&after["product"]["variants"]), vec!["L", "Medium"]);
    // A failing batch changes nothing: the delete before the bad create is undone.
    admin
        .refused(
            &format!("{base}/variants/batch"),
            json!({ "delete": [medium], "create": [{ "title": "Bad", "options": { "Size": "XXL" }, "prices": [] }] }),
            400,
        )
        .await;
    let after = admin.get(&base).await;
    assert_eq!(titles(&after["product"]["variants"]), vec!["L", "Medium"]);

    let large = variant(&after["product"], "L")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let gone = admin.delete(&format!("{base}/variants/{medium}")).await;
    assert_eq!(gone["object"], "variant");
    assert_eq!(gone["deleted"], true);
    assert_eq!(titles(&gone["parent"]["variants"]), vec!["L"]);

    // A variant needs two boxes of an inventory item, then three, then none.
    let item = admin
        .post(
            "/admin/inventory-items",
            json!({ "sku": "CAP-BOX", "title": "Cap box" }),
        )
        .await;
    let item = item["inventory_item"]["id"].as_str().unwrap().to_owned();
    let linked = admin
        .post(
            &format!("{base}/variants/{large}/inventory-items"),
            json!({ "inventory_item_id": item, "required_quantity": 2 }),
        )
        .await;
    let needs = |v: &Value| {
        v["variant"]["inventory_items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["inventory_item_id"] == item.as_str())
            .map(|l| l["required_quantity"].clone())
    };
    assert_eq!(needs(&linked), Some(json!(2)), "{linked}");
    let changed = admin
        .post(
            &format!("{base}/variants/{large}/inventory-items/{item}"),
            json!({ "required_quantity": 3 }),
        )
        .await;
    assert_eq!(needs(&changed), Some(json!(3)), "{changed}");
    admin
        .refused(
            &format!("{base}/variants/{large}/inventory-items/{item}"),
            json!({ "required_quantity": 0 }),
            400,
        )
        .await;
    let unlinked = admin
        .delete(&format!("{base}/variants/{large}/inventory-items/{item}"))
        .await;
    assert_eq!(unlinked["object"], "variant-inventory-item-link");
    assert_eq!(needs(&json!({ "variant": unlinked["parent"] })), None);

    // A product update upserts options and variants and drops the rest.
    let color_option = option(&after["product"], "Color")["id"].clone();
    let size_option = option(&after["product"], "Size")["id"].clone();
    let replaced = admin
        .post(
            &base,
            json!({
                "options": [{ "id": size_option, "values": ["L", "XL"] }],
                "variants": [
                    { "id": large, "title": "Large" },
                    { "title": "XL", "options": { "Size": "XL" },
                      "prices": [{ "currency_code": "eur", "amount": 30 }] },
                ],
            }),
        )
        .await;
    assert_eq!(titles(&replaced["product"]["options"]), vec!["Size"]);
    assert_eq!(
        titles(&option(&replaced["product"], "Size")["values"]),
        vec!["L", "XL"]
    );
    assert_eq!(
        titles(&replaced["product"]["variants"]),
        vec!["Large", "XL"]
    );
    assert_ne!(color_option, Value::Null);

    let (status, _) = store.get(&format!("{base}/variants")).await;
    assert_eq!(status, 401, "no credentials");
    let option_gone = admin
        .delete(&format!("{base}/options/{}", size_option.as_str().unwrap()))
        .await;
    assert_eq!(option_gone["object"], "product_option");
    assert_eq!(option_gone["parent"]["options"], json!([]));
}

#[tokio::test]
async fn a_sales_channel_gains_and_loses_products() {
    let store = DemoStore::start(None).await;
    let admin = Admin::login(&store).await;
    let channel = admin
        .post("/admin/sales-channels", json!({ "name": "Pop-up" }))
        .await;
    let channel = channel["sales_channel"]["id"].as_str().unwrap().to_owned();
    let products = admin.get("/admin/products?limit=2").await;
    let ids: Vec<String> = products["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let path = format!("/admin/sales-channels/{channel}/products");
    let answer = admin.post(&path, json!({ "add": ids })).await;
    assert_eq!(answer["sales_channel"]["id"], channel.as_str());
    let in_channel = |p: &Value| {
        p["product"]["sales_channels"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["id"] == channel.as_str())
    };
    let first = admin.get(&format!("/admin/products/{}", ids[0])).await;
    assert!(in_channel(&first), "{first}");
    admin.post(&path, json!({ "remove": [ids[0]] })).await;
    let first = admin.get(&format!("/admin/products/{}", ids[0])).await;
    assert!(!in_channel(&first), "{first}");
    let second = admin.get(&format!("/admin/products/{}", ids[1])).await;
    assert!(in_channel(&second), "{second}");
    let listed = admin
        .get(&format!("/admin/products?sales_channel_id={channel}"))
        .await;
    assert_eq!(listed["count"], 1, "{listed}");
    assert_eq!(listed["products"][0]["id"], ids[1].as_str());
    let both = admin
        .get(&format!("/admin/products?id[]={}&id[]={}", ids[0], ids[1]))
        .await;
    assert_eq!(both["count"], 2, "{both}");
    admin
        .refused(&path, json!({ "add": ["prod_missing"] }), 404)
        .await;
    admin.refused(&path, json!({ "colour": [] }), 400).await;
}
