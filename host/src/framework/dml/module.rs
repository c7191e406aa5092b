//! A module's description: its name and its models.

use serde::{Deserialize, Serialize};

use super::ModelDef;

/// A module: a name and the data models it owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleDef {
    pub name: String,
    #[serde(default)]
    pub models: Vec<ModelDef>,
}

impl ModuleDef {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            models: Vec::new(),
        }
    }

    pub fn model(mut self, model: ModelDef) -> Self {
        self.models.push(model);
        self
    }

    pub fn find_model(&self, name: &str) -> Option<&ModelDef> {
        self.models.iter().find(|m| m.name == name)
    }
}
