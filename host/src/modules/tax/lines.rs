//! The system tax provider: for each taxable line, the default rate of the
//! most specific tax region (province, else country) of the address.

use serde_json::{Value, json};

/// A line (item or shipping method) to tax.
#[derive(Debug, Clone)]
pub struct TaxableLine {
    pub id: String,
}

/// Tax lines for `lines`, given the tax regions (with `tax_rates` loaded) and
/// the address's country and province. Empty when no region matches.
pub fn tax_lines(
    lines: &[TaxableLine],
    tax_regions: &[Value],
    country_code: &str,
    province_code: Option<&str>,
) -> Vec<(String, Value)> {
    let country = country_code.to_lowercase();
    let for_country: Vec<&Value> = tax_regions
        .iter()
        .filter(|r| r["country_code"].as_str() == Some(country.as_str()))
        .collect();
    let province = province_code.map(str::to_lowercase);
    let region = province
        .as_deref()
        .and_then(|p| {
            for_country
                .iter()
                .find(|r| r["province_code"].as_str() == Some(p))
        })
        .or_else(|| for_country.iter().find(|r| r["province_code"].is_null()));
    let Some(region) = region else {
        return Vec::new();
    };
    let Some(rate) = region["tax_rates"].as_array().and_then(|rates| {
        rates
            .iter()
            .find(|r| r["is_default"] == true)
            .or(rates.first())
    }) else {
        return Vec::new();
    };
    lines
        .iter()
        .map(|line| {
            (
                line.id.clone(),
                json!({
                    "code": rate["code"], "rate": rate["rate"].as_f64().unwrap_or(0.0),
                    "description": rate["name"], "tax_rate_id": rate["id"], "provider_id": "system",
                }),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_specific_region_wins() {
        let regions = vec![
            json!({"country_code": "us", "province_code": null, "tax_rates": [{"id": "txr_us", "rate": 5.0, "code": "US", "name": "US", "is_default": true}]}),
            json!({"country_code": "us", "province_code": "us-ca", "tax_rates": [{"id": "txr_ca", "rate": 7.25, "code": "CA", "name": "California", "is_default": true}]}),
        ];
        let lines = [TaxableLine {
            id: "cali_1".into(),
        }];
        assert_eq!(
            tax_lines(&lines, &regions, "US", Some("us-ca"))[0].1["rate"],
            7.25
        );
        assert_eq!(
            tax_lines(&lines, &regions, "us", Some("us-ny"))[0].1["rate"],
            5.0
        );
        assert!(tax_lines(&lines, &regions, "fr", None).is_empty());
    }
}
