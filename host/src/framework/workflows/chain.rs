//! A chain: several steps run as one, in one transaction and one journal
//! entry. Each link sees the earlier links' outputs as results under its own
//! id, and so do the steps after the chain (as with separate steps); the
//! chain's output maps link ids to outputs.
//! Compensation undoes the links in reverse order, each with the input it
//! handed over. A failing link rolls the whole chain back, so only links
//! whose effects are all in the database belong in one chain.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::step::{StepFuture, StepHandler, StepOutput};
use super::{CompensateContext, StepContext, StepDef};

/// Runs `links` in order as one step.
pub struct Chain {
    links: Vec<(String, Arc<dyn StepHandler>)>,
}

impl Chain {
    pub fn new(links: Vec<StepDef>) -> Self {
        Self {
            links: links.into_iter().map(|s| (s.id, s.handler)).collect(),
        }
    }
}

impl StepHandler for Chain {
    fn invoke<'a>(&'a self, ctx: &'a mut StepContext) -> StepFuture<'a, StepOutput> {
        Box::pin(async move {
            let own_id = ctx.step_id.clone();
            let mut undo = Map::new();
            let mut outputs = Map::new();
            for (id, handler) in &self.links {
                ctx.step_id = id.as_str().into();
                let outcome = handler.invoke(ctx).await;
                ctx.step_id = own_id.clone();
                let out = outcome?;
                // Copied once (the engine holds the first), then in place.
                Arc::make_mut(&mut ctx.results).insert(id.clone(), out.output.clone());
                undo.insert(id.clone(), out.compensate_input);
                outputs.insert(id.clone(), out.output);
            }
            Ok(StepOutput {
                output: Value::Object(outputs),
                compensate_input: Value::Object(undo),
            })
        })
    }

    fn compensate<'a>(&'a self, ctx: &'a mut CompensateContext) -> StepFuture<'a, ()> {
        Box::pin(async move {
            let own_id = ctx.step_id.clone();
            let all = ctx.data.clone();
            for (id, handler) in self.links.iter().rev() {
                if !handler.has_compensation() {
                    continue;
                }
                ctx.step_id = id.as_str().into();
                ctx.data = all.get(id).cloned().unwrap_or(Value::Null);
                let outcome = handler.compensate(ctx).await;
                ctx.step_id = own_id.clone();
                outcome?;
            }
            ctx.data = all;
            Ok(())
        })
    }

    fn has_compensation(&self) -> bool {
        self.links.iter().any(|(_, h)| h.has_compensation())
    }

    fn chained(&self) -> Vec<String> {
        self.links.iter().map(|(id, _)| id.clone()).collect()
    }
}
