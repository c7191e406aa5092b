//! Cart workflows: create, update (addresses, region, email, promotion
//! codes), line items, shipping method, payment collection and session, and
//! completion. Each change refreshes the cart (adjustments, tax lines,
//! payment amount) in its own step's transaction, and emits the spec's events.
//! Every workflow but completion is a cart edit, with relaxed commits (see
//! `[database] durable_cart_edits`); completion always waits for the disk.

mod complete;
pub mod pricing;
mod promotions;
mod read;
mod refresh;
mod shipping;
mod steps;
mod support;
pub mod taxes;

pub use complete::COMPLETE_CART;
pub use read::{CART_FIELDS, attach_variants, load_cart};
pub use shipping::{options_for_cart, shipping_cart};

use std::sync::Arc;

use serde_json::Value;

use crate::framework::workflows::{
    CompensateContext, StepContext, StepDef, StepFuture, StepHandler, StepOutput, WorkflowDef,
};

pub const CREATE_CART: &str = "create-cart";
pub const UPDATE_CART: &str = "update-cart";
pub const ADD_LINE_ITEM: &str = "add-line-item";
pub const UPDATE_LINE_ITEM: &str = "update-line-item";
pub const DELETE_LINE_ITEM: &str = "delete-line-item";
pub const ADD_SHIPPING_METHOD: &str = "add-shipping-method";
pub const CREATE_PAYMENT_COLLECTION: &str = "create-payment-collection";
pub const CREATE_PAYMENT_SESSION: &str = "create-payment-session";

/// `step` followed by the cart's refresh (adjustments, taxes, payment
/// amount) in the same step and transaction: one commit per change. The step
/// keeps its compensation; its output is the refreshed cart.
fn refreshed(id: &str, step: StepDef) -> WorkflowDef {
    let step_id = step.id.clone();
    let handler = Arc::new(Refreshed {
        inner: step.handler.clone(),
    });
    WorkflowDef::new(id)
        .step(StepDef { handler, ..step })
        .returns(&step_id)
        .relaxed_commit()
}

/// A cart change, then `refresh-cart` on the cart it reports (`{"id": cart_id}`).
/// A step that read the whole cart and knows what it changed may report
/// the cart as it is now under `cart`, which saves reading it again.
struct Refreshed {
    inner: Arc<dyn StepHandler>,
}

impl StepHandler for Refreshed {
    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
        Box::pin(async move {
            let mut changed = self.inner.invoke(ctx).await?;
            let env = ctx.env();
            let read = changed
                .output
                .as_object_mut()
                .and_then(|o| o.remove("cart"))
                .filter(Value::is_object);
            let cart = match read {
                Some(cart) => refresh::refresh_read(&mut ctx.exec(), &env, cart).await?,
                None => {
                    let cart_id = changed.output["id"]
                        .as_str()
                        .or_else(|| changed.output["cart_id"].as_str())
                        .unwrap_or_default()
                        .to_owned();
                    refresh::refresh(&mut ctx.exec(), &env, &cart_id).await?
                }
            };
            Ok(StepOutput {
                output: cart,
                compensate_input: changed.compensate_input,
            })
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        self.inner.compensate(ctx)
    }

    fn has_compensation(&self) -> bool {
        self.inner.has_compensation()
    }
}

/// Every cart workflow.
pub fn workflows() -> Vec<WorkflowDef> {
    vec![
        refreshed(
            CREATE_CART,
            StepDef::func(
                "create-cart",
                steps::create_cart,
                Some(steps::undo_create_cart),
            ),
        ),
        refreshed(
            UPDATE_CART,
            StepDef::func(
                "update-cart",
                steps::update_cart,
                Some(steps::undo_update_cart),
            ),
        ),
        refreshed(
            ADD_LINE_ITEM,
            StepDef::func(
                "add-line-item",
                steps::add_line_item,
                Some(steps::undo_add_line_item),
            ),
        ),
        refreshed(
            UPDATE_LINE_ITEM,
            StepDef::func(
                "update-line-item",
                steps::update_line_item,
                Some(steps::restore_line),
            ),
        ),
        refreshed(
            DELETE_LINE_ITEM,
            StepDef::func(
                "delete-line-item",
                steps::delete_line_item,
                Some(steps::restore_line),
            ),
        ),
        refreshed(
            ADD_SHIPPING_METHOD,
            StepDef::func(
                "add-shipping-method",
                steps::add_shipping_method,
                Some(steps::undo_add_shipping_method),
            ),
        ),
        WorkflowDef::new(CREATE_PAYMENT_COLLECTION)
            .step(StepDef::func(
                "create-payment-collection",
                steps::create_payment_collection,
                Some(steps::undo_create_payment_collection),
            ))
            .relaxed_commit(),
        WorkflowDef::new(CREATE_PAYMENT_SESSION)
            .step(StepDef::func(
                "create-payment-session",
                steps::create_payment_session,
                Some(steps::undo_create_payment_session),
            ))
            .relaxed_commit(),
        complete::workflow(),
    ]
}
