//! Core flows: writes that compose several modules, as workflows on the
//! framework's engine (compensated on failure, journaled, emitting events).

pub mod api_keys;
pub mod cart;
pub mod create_admin_user;
pub mod crud;
pub mod customer;

use crate::framework::workflows::WorkflowEngine;

/// Registers every core workflow with `engine`.
pub fn register(engine: &WorkflowEngine) {
    for workflow in cart::workflows()
        .into_iter()
        .chain(customer::workflows())
        .chain(api_keys::workflows())
        .chain(crud::workflows())
    {
        engine.register(workflow);
    }
}
