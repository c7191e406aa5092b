//! The tax side of pricing: whether a region's or currency's prices include
//! tax (price preferences) and the rate that applies at an address (tax
//! regions, through the system provider). Both are catalogue data, read
//! through the catalogue read cache.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::db::Exec;
use crate::db::catalogue_reads::CatalogueReads;
use crate::framework::query::fields::FieldTree;
use crate::framework::query::{GraphRequest, Query};
use crate::framework::workflows::StepError;
use crate::modules::pricing::TaxInclusivity;
use crate::modules::tax::{TaxableLine, tax_lines};

/// The rows `request` finds, from the cache under `key` while the catalogue
/// is unchanged.
async fn cached_rows(
    exec: &mut Exec<'_>,
    query: &Query,
    key: String,
    request: GraphRequest,
) -> Result<Arc<Value>, StepError> {
    let reads = CatalogueReads::shared();
    if let Some(hit) = reads.get(exec, &key) {
        return Ok(hit);
    }
    let ticket = reads.ticket();
    let rows: Vec<Value> = query
        .graph(exec, &request)
        .await
        .map_err(|e| StepError::new(e.to_string()))?
        .data
        .into_iter()
        .map(Value::Object)
        .collect();
    let rows = Value::Array(rows);
    reads.put(exec, ticket, key, rows.clone());
    Ok(Arc::new(rows))
}

/// The price preferences of `currency` and `region_id`.
pub async fn tax_inclusivity(
    exec: &mut Exec<'_>,
    query: &Query,
    currency: &str,
    region_id: Option<&str>,
) -> Result<TaxInclusivity, StepError> {
    let currency = currency.to_lowercase();
    let values: Vec<&str> = std::iter::once(currency.as_str())
        .chain(region_id)
        .collect();
    let request = GraphRequest {
        entity: "price_preference".into(),
        fields: FieldTree::from_paths(["attribute", "value", "is_tax_inclusive"]),
        filters: json!({ "value": values }),
        ..Default::default()
    };
    let key = format!("price_preference:{currency}:{}", region_id.unwrap_or(""));
    let rows = cached_rows(exec, query, key, request).await?;
    Ok(from_preferences(&rows, &currency, region_id))
}

fn from_preferences(rows: &Value, currency: &str, region_id: Option<&str>) -> TaxInclusivity {
    let find = |attribute: &str, value: Option<&str>| {
        let value = value?;
        rows.as_array()?
            .iter()
            .find(|p| p["attribute"] == attribute && p["value"].as_str() == Some(value))
            .map(|p| p["is_tax_inclusive"] == true)
    };
    TaxInclusivity {
        region: find("region_id", region_id),
        currency: find("currency_code", Some(currency)),
    }
}

/// The tax rate (percent) the system provider applies at `country` (and
/// `province`), or `None` when no tax region covers it.
pub async fn tax_rate(
    exec: &mut Exec<'_>,
    query: &Query,
    country: &str,
    province: Option<&str>,
) -> Result<Option<Decimal>, StepError> {
    let regions = tax_regions(exec, query, country).await?;
    let regions = regions.as_array().map(Vec::as_slice).unwrap_or_default();
    let probe = [TaxableLine { id: String::new() }];
    Ok(tax_lines(&probe, regions, country, province)
        .first()
        .map(|(_, line)| crate::db::codec::parse_decimal(&line["rate"]).unwrap_or_default()))
}

/// The tax regions of `country` with their rates.
pub async fn tax_regions(
    exec: &mut Exec<'_>,
    query: &Query,
    country: &str,
) -> Result<Arc<Value>, StepError> {
    let country = country.to_lowercase();
    let request = GraphRequest {
        entity: "tax_region".into(),
        fields: FieldTree::from_paths(["*", "tax_rates.*"]),
        filters: json!({ "country_code": country }),
        ..Default::default()
    };
    cached_rows(exec, query, format!("tax_region:{country}"), request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_and_currency_preferences_are_told_apart() {
        let rows = json!([
            {"attribute": "currency_code", "value": "eur", "is_tax_inclusive": true},
            {"attribute": "region_id", "value": "reg_1", "is_tax_inclusive": false},
        ]);
        assert_eq!(
            from_preferences(&rows, "eur", Some("reg_1")),
            TaxInclusivity {
                region: Some(false),
                currency: Some(true)
            }
        );
        assert_eq!(
            from_preferences(&rows, "usd", None),
            TaxInclusivity::default()
        );
    }
}
