//! Registering modules and links, checked so that names never collide.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::framework::data::ModuleService;
use crate::framework::dml::{DmlError, LinkDef, LinkSide, ModelDef, ModuleDef};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("module {module}: {source}")]
    Invalid {
        module: String,
        #[source]
        source: DmlError,
    },
    #[error("module {0} is registered twice")]
    DuplicateModule(String),
    #[error("model {model} of module {module} clashes with a model or table of module {other}")]
    ModelClash {
        module: String,
        model: String,
        other: String,
    },
    #[error("link {link}: {reason}")]
    Link { link: String, reason: String },
}

/// One end of a link as seen from a model: the link, and which side the model is.
#[derive(Debug, Clone, Copy)]
pub struct LinkEnd<'a> {
    pub link: &'a LinkDef,
    /// The side the model itself is on.
    pub this: &'a LinkSide,
    /// The side reached through the link.
    pub other: &'a LinkSide,
}

/// Every module and link of a host.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    modules: BTreeMap<String, Arc<ModuleDef>>,
    links: Vec<LinkDef>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a module after validating it; model and table names are unique
    /// across all modules (entities are addressed by model name in queries).
    pub fn register(&mut self, module: ModuleDef) -> Result<(), RegistryError> {
        module.validate().map_err(|source| RegistryError::Invalid {
            module: module.name.clone(),
            source,
        })?;
        if self.modules.contains_key(&module.name) {
            return Err(RegistryError::DuplicateModule(module.name));
        }
        for model in &module.models {
            for other in self.modules.values() {
                if other
                    .models
                    .iter()
                    .any(|m| m.name == model.name || m.table == model.table)
                {
                    return Err(RegistryError::ModelClash {
                        module: module.name.clone(),
                        model: model.name.clone(),
                        other: other.name.clone(),
                    });
                }
            }
        }
        self.modules.insert(module.name.clone(), Arc::new(module));
        Ok(())
    }

    /// Adds a link between models of two registered modules.
    pub fn link(&mut self, link: LinkDef) -> Result<(), RegistryError> {
        let err = |reason: String| RegistryError::Link {
            link: link.table(),
            reason,
        };
        for side in [&link.left, &link.right] {
            if self.model(&side.module, &side.model).is_none() {
                return Err(err(format!(
                    "module {} has no model {}",
                    side.module, side.model
                )));
            }
        }
        if link.left.module == link.right.module {
            return Err(err(
                "both sides are in the same module: use a relation".into()
            ));
        }
        if self.links.iter().any(|l| l.table() == link.table()) {
            return Err(err("defined twice".into()));
        }
        for (this, other) in [(&link.left, &link.right), (&link.right, &link.left)] {
            let field = other.field_name();
            let model = self.model(&this.module, &this.model);
            let taken = model.is_some_and(|m| {
                m.find_field(&field).is_some() || m.find_relation(&field).is_some()
            }) || self
                .links_of(&this.model)
                .iter()
                .any(|end| end.other.field_name() == field);
            if taken {
                return Err(err(format!(
                    "{} already has a field named {field}",
                    this.model
                )));
            }
        }
        self.links.push(link);
        Ok(())
    }

    pub fn modules(&self) -> impl Iterator<Item = &Arc<ModuleDef>> {
        self.modules.values()
    }

    pub fn module(&self, name: &str) -> Option<&Arc<ModuleDef>> {
        self.modules.get(name)
    }

    pub fn links(&self) -> &[LinkDef] {
        &self.links
    }

    fn model(&self, module: &str, model: &str) -> Option<&ModelDef> {
        self.modules.get(module)?.find_model(model)
    }

    /// The service of one module, bound to that module's models only.
    pub fn service(&self, module: &str) -> Option<ModuleService> {
        self.modules
            .get(module)
            .map(|m| ModuleService::new(m.clone()))
    }

    /// The module owning the entity (model) `model`.
    pub fn entity(&self, model: &str) -> Option<(&Arc<ModuleDef>, &ModelDef)> {
        self.modules
            .values()
            .find_map(|m| m.find_model(model).map(|def| (m, def)))
    }

    /// Every link that has `model` on one side.
    pub fn links_of(&self, model: &str) -> Vec<LinkEnd<'_>> {
        let mut ends = Vec::new();
        for link in &self.links {
            if link.left.model == model {
                ends.push(LinkEnd {
                    link,
                    this: &link.left,
                    other: &link.right,
                });
            }
            if link.right.model == model {
                ends.push(LinkEnd {
                    link,
                    this: &link.right,
                    other: &link.left,
                });
            }
        }
        ends
    }

    /// The link reached from `model` under the field name `field`.
    pub fn link_field(&self, model: &str, field: &str) -> Option<LinkEnd<'_>> {
        self.links_of(model)
            .into_iter()
            .find(|end| end.other.field_name() == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        let mut r = Registry::new();
        r.register(ModuleDef::new("product").model(ModelDef::new("product", "prod").text("title")))
            .unwrap();
        r.register(ModuleDef::new("brand").model(ModelDef::new("brand", "brand").text("name")))
            .unwrap();
        r
    }

    #[test]
    fn models_are_unique_across_modules() {
        let mut r = registry();
        let clash = r.register(ModuleDef::new("other").model(ModelDef::new("product", "p2")));
        assert!(matches!(clash, Err(RegistryError::ModelClash { .. })));
        let dup = r.register(ModuleDef::new("brand"));
        assert!(matches!(dup, Err(RegistryError::DuplicateModule(_))));
    }

    #[test]
    fn links_are_checked_and_found_from_both_sides() {
        let mut r = registry();
        let link = LinkDef::new(
            LinkSide::new("product", "product").list(),
            LinkSide::new("brand", "brand"),
        );
        r.link(link.clone()).unwrap();
        assert_eq!(
            r.link_field("product", "brand")
                .map(|e| e.other.model.as_str()),
            Some("brand")
        );
        assert_eq!(
            r.link_field("brand", "products")
                .map(|e| e.other.model.as_str()),
            Some("product")
        );
        assert!(r.link(link).is_err(), "defined twice");
        let missing = LinkDef::new(
            LinkSide::new("product", "product"),
            LinkSide::new("cms", "post"),
        );
        assert!(r.link(missing).is_err());
        let same = LinkDef::new(
            LinkSide::new("product", "product"),
            LinkSide::new("product", "product").alias("twin"),
        );
        assert!(r.link(same).is_err());
    }

    #[test]
    fn services_only_reach_their_module() {
        let r = registry();
        let product = r.service("product").unwrap();
        assert!(product.model("product").is_ok());
        assert!(
            product.model("brand").is_err(),
            "another module's model is out of reach"
        );
    }
}
