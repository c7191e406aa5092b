//! Price preferences written by other flows: a region's or a store
//! currency's `is_tax_inclusive`.

use serde_json::{Value, json};

use crate::db::Exec;
use crate::framework::workflows::{StepError, WorkflowEnv};

fn row(value: Value) -> crate::framework::data::Row {
    value.as_object().cloned().unwrap_or_default()
}

/// The preference for `attribute` = `value` says `inclusive` (created if missing).
pub async fn set(
    exec: &mut Exec<'_>,
    env: &WorkflowEnv,
    attribute: &str,
    value: &str,
    inclusive: bool,
) -> Result<(), StepError> {
    let pricing = env
        .registry
        .service("pricing")
        .ok_or_else(|| StepError::new("no pricing module"))?;
    let filter = json!({ "attribute": attribute, "value": value });
    let updated = pricing
        .update(
            exec,
            "price_preference",
            &filter,
            &row(json!({ "is_tax_inclusive": inclusive })),
        )
        .await?;
    if updated.is_empty() {
        pricing
            .create(
                exec,
                "price_preference",
                vec![row(
                    json!({ "attribute": attribute, "value": value, "is_tax_inclusive": inclusive }),
                )],
            )
            .await?;
    }
    Ok(())
}
