//! The demo catalogue: products with their options, prices and stock.

/// One demo product: its options (name and values; variants are every
/// combination) and prices in EUR and USD.
pub struct DemoProduct {
    pub title: &'static str,
    pub handle: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub collection: &'static str,
    pub image: &'static str,
    pub options: &'static [(&'static str, &'static [&'static str])],
    pub eur: f64,
    pub usd: f64,
    pub stock: i64,
}

const IMG: &str = "https://medusa-public-images.s3.eu-west-1.amazonaws.com";

/// Categories: (handle, name).
pub const CATEGORIES: &[(&str, &str)] = &[
    ("shirts", "Shirts"),
    ("sweatshirts", "Sweatshirts"),
    ("pants", "Pants"),
    ("merch", "Merch"),
];

/// Collections: (handle, title).
pub const COLLECTIONS: &[(&str, &str)] = &[("essentials", "Essentials"), ("summer", "Summer")];

macro_rules! product {
    ($title:expr, $handle:expr, $cat:expr, $col:expr, $img:expr, $opts:expr, $eur:expr, $usd:expr, $stock:expr) => {
        DemoProduct {
            title: $title,
            handle: $handle,
            description: concat!(
                "The ",
                $title,
                ", made to last. Part of the medusa-rs demo store."
            ),
            category: $cat,
            collection: $col,
            image: $img,
            options: $opts,
            eur: $eur,
            usd: $usd,
            stock: $stock,
        }
    };
}

const SIZES: &[&str] = &["S", "M", "L"];
const SIZES_XL: &[&str] = &["S", "M", "L", "XL"];

pub const PRODUCTS: &[DemoProduct] = &[
    product!(
        "Medusa T-Shirt",
        "t-shirt",
        "shirts",
        "essentials",
        "tee-black-front.png",
        &[("Size", SIZES), ("Color", &["Black", "White"])],
        15.0,
        15.0,
        100
    ),
    product!(
        "Medusa Sweatshirt",
        "sweatshirt",
        "sweatshirts",
        "essentials",
        "sweatshirt-vintage-front.png",
        &[("Size", SIZES_XL)],
        30.0,
        32.0,
        100
    ),
    product!(
        "Medusa Sweatpants",
        "sweatpants",
        "pants",
        "essentials",
        "sweatpants-gray-front.png",
        &[("Size", SIZES_XL)],
        25.0,
        27.0,
        100
    ),
    product!(
        "Medusa Shorts",
        "shorts",
        "pants",
        "summer",
        "shorts-vintage-front.png",
        &[("Size", SIZES_XL)],
        20.0,
        22.0,
        100
    ),
    product!(
        "Medusa Hoodie",
        "hoodie",
        "sweatshirts",
        "essentials",
        "sweatshirt-vintage-front.png",
        &[("Size", SIZES), ("Color", &["Grey", "Navy"])],
        45.0,
        48.0,
        100
    ),
    product!(
        "Medusa Cap",
        "cap",
        "merch",
        "summer",
        "coffee-mug.png",
        &[("Color", &["Black", "Red"])],
        12.0,
        13.0,
        100
    ),
    product!(
        "Medusa Mug",
        "mug",
        "merch",
        "essentials",
        "coffee-mug.png",
        &[("Size", &["Regular", "Large"])],
        10.0,
        11.0,
        100
    ),
    product!(
        "Medusa Tote Bag",
        "tote-bag",
        "merch",
        "summer",
        "coffee-mug.png",
        &[("Color", &["Natural", "Black"])],
        14.0,
        15.0,
        100
    ),
    product!(
        "Medusa Socks",
        "socks",
        "merch",
        "essentials",
        "shorts-vintage-front.png",
        &[("Size", &["S/M", "L/XL"]), ("Pack", &["Single", "3-Pack"])],
        8.0,
        9.0,
        100
    ),
    product!(
        "Medusa Polo",
        "polo",
        "shirts",
        "summer",
        "tee-white-front.png",
        &[("Size", SIZES), ("Color", &["White", "Green"])],
        35.0,
        37.0,
        100
    ),
    product!(
        "Medusa Jacket",
        "jacket",
        "sweatshirts",
        "essentials",
        "sweatshirt-vintage-front.png",
        &[("Size", &["M", "L", "XL"])],
        90.0,
        95.0,
        100
    ),
    product!(
        "Medusa Limited Beanie",
        "limited-beanie",
        "merch",
        "summer",
        "coffee-mug.png",
        &[("Color", &["Grey", "Black", "Orange"])],
        16.0,
        17.0,
        10
    ),
];

/// The URL of a demo image.
pub fn image_url(file: &str) -> String {
    format!("{IMG}/{file}")
}

/// Every combination of option values, as (option title, value) lists.
pub fn combinations(
    options: &[(&'static str, &'static [&'static str])],
) -> Vec<Vec<(&'static str, &'static str)>> {
    options
        .iter()
        .fold(vec![Vec::new()], |acc, (title, values)| {
            acc.iter()
                .flat_map(|combo| {
                    values.iter().map(move |v| {
                        let mut next = combo.clone();
                        next.push((*title, *v));
                        next
                    })
                })
                .collect()
        })
}

/// The option that makes a variant a pack of another: its `N-Pack` values
/// sell N units of the `Single` variant's inventory item (a link with
/// `required_quantity` N) at a sixth off.
pub const PACK_OPTION: &str = "Pack";

/// Units of the single item a variant with these option values takes (1 unless it is an `N-Pack`).
pub fn pack_units(combo: &[(&str, &str)]) -> i64 {
    combo
        .iter()
        .find(|(title, _)| *title == PACK_OPTION)
        .and_then(|(_, value)| value.strip_suffix("-Pack")?.parse().ok())
        .unwrap_or(1)
}

/// The option values of the single variant a pack draws its stock from.
pub fn single_of<'a>(combo: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    combo
        .iter()
        .filter(|(title, _)| *title != PACK_OPTION)
        .copied()
        .collect()
}

/// Countries of the demo regions: (iso_2, iso_3, num_code, NAME, Display name, tax rate %).
pub const EUROPE: &[(&str, &str, &str, &str, &str, f64)] = &[
    ("gb", "gbr", "826", "UNITED KINGDOM", "United Kingdom", 20.0),
    ("de", "deu", "276", "GERMANY", "Germany", 19.0),
    ("dk", "dnk", "208", "DENMARK", "Denmark", 25.0),
    ("se", "swe", "752", "SWEDEN", "Sweden", 25.0),
    ("fr", "fra", "250", "FRANCE", "France", 20.0),
    ("es", "esp", "724", "SPAIN", "Spain", 21.0),
    ("it", "ita", "380", "ITALY", "Italy", 22.0),
];
pub const UNITED_STATES: &[(&str, &str, &str, &str, &str, f64)] =
    &[("us", "usa", "840", "UNITED STATES", "United States", 0.0)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_product_has_two_to_six_variants() {
        assert_eq!(PRODUCTS.len(), 12);
        for p in PRODUCTS {
            let n = combinations(p.options).len();
            assert!((2..=6).contains(&n), "{} has {n} variants", p.title);
        }
    }
}
