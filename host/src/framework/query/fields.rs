//! The HTTP `fields` parameter (spec §1.4): a comma-separated list of dotted
//! paths that either modifies a route's default selection (`+f`, `-f`, `*rel`,
//! `rel.*`) or replaces it, resolved into a [`FieldTree`].

use std::collections::{BTreeMap, BTreeSet};

/// A selection of fields: scalar columns plus nested relations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldTree {
    /// Scalar fields selected at this level ("*" means all scalar fields of this entity).
    pub scalars: BTreeSet<String>,
    /// Relations (or module links) selected, by name, with their own selection.
    pub relations: BTreeMap<String, FieldTree>,
}

impl FieldTree {
    /// Builds a tree from dotted paths such as
    /// `["id", "title", "variants.*", "variants.options.value", "*images"]`.
    ///
    /// A token `*rel` or `rel.*` selects all scalars of relation `rel`
    /// (`relations[rel].scalars` contains `"*"`). `a.b.c` selects scalar `c` of
    /// relation `a.b`. `*` alone selects all scalars of this level.
    pub fn from_paths<I: IntoIterator<Item = S>, S: AsRef<str>>(paths: I) -> Self {
        let mut tree = Self::default();
        for path in paths {
            tree.add_path(path.as_ref());
        }
        tree
    }

    /// True when `name` is selected as a scalar here (explicitly or through `*`).
    pub fn selects(&self, name: &str) -> bool {
        self.scalars.contains("*") || self.scalars.contains(name)
    }

    /// The selection of relation `name`, when it is selected.
    pub fn relation(&self, name: &str) -> Option<&FieldTree> {
        self.relations.get(name)
    }

    /// True when nothing at all is selected.
    pub fn is_empty(&self) -> bool {
        self.scalars.is_empty() && self.relations.is_empty()
    }

    /// Removes a dotted path (scalar or whole relation) from the tree.
    ///
    /// `a.b` drops scalar `b` of relation `a` as well as relation `a.b` with
    /// everything under it; `a.*` or `*a` drops only the "all scalars" mark of
    /// relation `a`. Relations left with an empty selection are dropped too.
    /// Removing a path that is not selected does nothing.
    pub fn remove_path(&mut self, path: &str) {
        self.remove_segments(&segments(path));
    }

    /// Adds a dotted path (same syntax as [`FieldTree::from_paths`]).
    pub fn add_path(&mut self, path: &str) {
        let segs = segments(path);
        let Some((leaf, relations)) = segs.split_last() else {
            return;
        };
        let mut node = self;
        for relation in relations {
            node = node.relations.entry((*relation).to_owned()).or_default();
        }
        node.scalars.insert((*leaf).to_owned());
    }

    /// Every selected path, dotted: scalars of a level first, then its relations
    /// (`["id", "title", "variants.*", "variants.options.value"]`).
    pub fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_paths("", &mut out);
        out
    }

    fn collect_paths(&self, prefix: &str, out: &mut Vec<String>) {
        for scalar in &self.scalars {
            out.push(format!("{prefix}{scalar}"));
        }
        for (name, child) in &self.relations {
            child.collect_paths(&format!("{prefix}{name}."), out);
        }
    }

    fn remove_segments(&mut self, segs: &[&str]) {
        match segs {
            [] => {}
            [leaf] => {
                self.scalars.remove(*leaf);
                self.relations.remove(*leaf);
            }
            [relation, rest @ ..] => {
                if let Some(child) = self.relations.get_mut(*relation) {
                    child.remove_segments(rest);
                    if child.is_empty() {
                        self.relations.remove(*relation);
                    }
                }
            }
        }
    }
}

/// Splits a path into relation names followed by the scalar name, turning the
/// `*rel` form into `rel.*`. Blank segments are skipped.
fn segments(path: &str) -> Vec<&str> {
    let path = path.trim();
    let (body, star) = match path.strip_prefix('*') {
        Some(rest) if !rest.is_empty() => (rest, true),
        _ => (path, false),
    };
    let mut segs: Vec<&str> = body
        .split('.')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if star && segs.last() != Some(&"*") {
        segs.push("*");
    }
    segs
}

/// True when a raw token modifies the defaults rather than naming a field.
fn is_modifier(token: &str) -> bool {
    token.starts_with(['+', '-', ' ', '*']) || token.ends_with(".*")
}

/// The field a token names, without its leading `+`, `-` or blanks.
fn strip_modifier(token: &str) -> &str {
    token.trim_start_matches(['+', '-', ' ', '\t']).trim()
}

/// Applies the HTTP `fields` parameter to a route's default field list,
/// following spec §1.4.
///
/// Empty (or blank) tokens are ignored. If every token starts with `+`, `-`,
/// a space or `*`, or ends with `.*`, the tokens modify the defaults (`+f` and
/// ` f` add, `-f` removes, `*rel` and `rel.*` add all scalars of `rel`);
/// otherwise the defaults are replaced, with any leading `+`, `-` or space
/// stripped from each token. `id` is always added when `fields` is `Some`.
/// `None` returns the tree of the defaults.
///
/// As in Medusa, a `fields` value with no token at all (`?fields=`) replaces
/// the defaults, leaving only `id`.
pub fn resolve_fields(defaults: &[&str], fields: Option<&str>) -> FieldTree {
    let Some(fields) = fields else {
        return FieldTree::from_paths(defaults.iter().copied());
    };
    let tokens: Vec<&str> = fields
        .split(',')
        .filter(|token| !token.trim().is_empty())
        .collect();

    let mut tree = if !tokens.is_empty() && tokens.iter().all(|token| is_modifier(token)) {
        let mut tree = FieldTree::from_paths(defaults.iter().copied());
        for token in tokens {
            if token.starts_with(['+', ' ']) {
                tree.add_path(strip_modifier(token));
            } else if token.starts_with('-') {
                tree.remove_path(strip_modifier(token));
            } else {
                tree.add_path(token);
            }
        }
        tree
    } else {
        FieldTree::from_paths(tokens.into_iter().map(strip_modifier))
    };
    tree.add_path("id");
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(defaults: &[&str], fields: Option<&str>) -> Vec<String> {
        resolve_fields(defaults, fields).paths()
    }

    const PRODUCT_DEFAULTS: &[&str] = &[
        "id",
        "title",
        "handle",
        "*images",
        "variants.title",
        "variants.options.value",
    ];

    #[test]
    fn from_paths_builds_nested_tree() {
        let tree = FieldTree::from_paths([
            "id",
            "title",
            "variants.*",
            "variants.options.value",
            "*images",
        ]);
        assert_eq!(
            tree.scalars.iter().map(String::as_str).collect::<Vec<_>>(),
            ["id", "title"]
        );
        let variants = tree.relation("variants").unwrap();
        assert!(variants.scalars.contains("*"));
        assert!(variants.selects("sku"));
        let options = variants.relation("options").unwrap();
        assert!(options.selects("value"));
        assert!(!options.selects("id"));
        assert!(tree.relation("images").unwrap().scalars.contains("*"));
        assert_eq!(
            tree.paths(),
            [
                "id",
                "title",
                "images.*",
                "variants.*",
                "variants.options.value"
            ]
        );
    }

    #[test]
    fn star_prefix_and_suffix_are_equivalent() {
        assert_eq!(
            FieldTree::from_paths(["*variants"]),
            FieldTree::from_paths(["variants.*"])
        );
        assert_eq!(
            FieldTree::from_paths(["*items.variant.product"]).paths(),
            ["items.variant.product.*"]
        );
    }

    #[test]
    fn lone_star_selects_every_scalar_of_the_level() {
        let tree = FieldTree::from_paths(["*"]);
        assert!(tree.selects("anything"));
        assert!(tree.relations.is_empty());
    }

    #[test]
    fn selects_only_listed_scalars() {
        let tree = FieldTree::from_paths(["id", "items.title"]);
        assert!(tree.selects("id"));
        assert!(!tree.selects("title"));
        assert!(!tree.selects("items"));
    }

    #[test]
    fn deep_dotted_path_implies_relations() {
        let tree = FieldTree::from_paths(["items.product.title"]);
        let product = tree
            .relation("items")
            .and_then(|items| items.relation("product"))
            .unwrap();
        assert!(product.selects("title"));
        assert!(tree.scalars.is_empty());
    }

    #[test]
    fn blank_paths_and_segments_are_ignored() {
        let tree = FieldTree::from_paths(["", "  ", "a..b", " c "]);
        assert_eq!(tree.paths(), ["c", "a.b"]);
    }

    #[test]
    fn remove_path_prunes_empty_relations() {
        let mut tree = FieldTree::from_paths(PRODUCT_DEFAULTS.iter().copied());
        tree.remove_path("variants.options.value");
        assert_eq!(
            tree.paths(),
            ["handle", "id", "title", "images.*", "variants.title"]
        );
        tree.remove_path("variants.title");
        assert!(tree.relation("variants").is_none());
        tree.remove_path("does.not.exist");
        tree.remove_path("images.*");
        assert_eq!(tree.paths(), ["handle", "id", "title"]);
    }

    #[test]
    fn none_returns_defaults() {
        assert_eq!(
            resolve_fields(PRODUCT_DEFAULTS, None),
            FieldTree::from_paths(PRODUCT_DEFAULTS.iter().copied())
        );
        // `id` is only forced when `fields` is present.
        assert!(!resolve_fields(&["title"], None).selects("id"));
    }

    #[test]
    fn plus_adds_to_defaults() {
        assert_eq!(
            resolved(
                &["id", "title"],
                Some("+subtitle,+variants.inventory_quantity")
            ),
            ["id", "subtitle", "title", "variants.inventory_quantity"]
        );
    }

    #[test]
    fn leading_space_is_a_plus() {
        // `+` arrives as a space after URL-decoding when it was not escaped.
        assert_eq!(
            resolved(&["id", "title"], Some(" subtitle")),
            ["id", "subtitle", "title"]
        );
        assert_eq!(
            resolved(&["title"], Some("+ orders.customer.email")),
            ["id", "title", "orders.customer.email"]
        );
    }

    #[test]
    fn minus_removes_a_scalar() {
        assert_eq!(
            resolved(&["id", "title", "handle"], Some("-handle")),
            ["id", "title"]
        );
        assert_eq!(
            resolved(PRODUCT_DEFAULTS, Some("-variants.options.value")),
            ["handle", "id", "title", "images.*", "variants.title"]
        );
    }

    #[test]
    fn minus_removes_a_whole_relation() {
        assert_eq!(
            resolved(PRODUCT_DEFAULTS, Some("-variants,-images")),
            ["handle", "id", "title"]
        );
        assert_eq!(
            resolved(&["title", "orders"], Some("- orders")),
            ["id", "title"]
        );
    }

    #[test]
    fn star_tokens_add_relations_to_defaults() {
        assert_eq!(
            resolved(&["id", "title"], Some("*variants")),
            ["id", "title", "variants.*"]
        );
        assert_eq!(
            resolved(
                &["id", "title"],
                Some("variants.*,*variants.inventory_items")
            ),
            ["id", "title", "variants.*", "variants.inventory_items.*"]
        );
        assert_eq!(
            resolved(&["id"], Some("+*sales_channels")),
            ["id", "sales_channels.*"]
        );
    }

    #[test]
    fn mixed_modifiers_apply_in_order() {
        assert_eq!(
            resolved(
                PRODUCT_DEFAULTS,
                Some("-variants,*variants,+subtitle,-handle")
            ),
            ["id", "subtitle", "title", "images.*", "variants.*"]
        );
    }

    #[test]
    fn a_bare_field_replaces_defaults() {
        assert_eq!(
            resolved(PRODUCT_DEFAULTS, Some("title,+handle,*variants")),
            ["handle", "id", "title", "variants.*"]
        );
        // In replacement mode a leading `-` is stripped, not applied.
        assert_eq!(
            resolved(PRODUCT_DEFAULTS, Some("title,-handle")),
            ["handle", "id", "title"]
        );
        assert_eq!(
            resolved(PRODUCT_DEFAULTS, Some("items.product.title")),
            ["id", "items.product.title"]
        );
    }

    #[test]
    fn id_is_always_added_when_fields_present() {
        assert_eq!(resolved(&["title"], Some("handle")), ["handle", "id"]);
        assert_eq!(
            resolved(&["title"], Some("+handle")),
            ["handle", "id", "title"]
        );
        assert_eq!(resolved(&["id", "title"], Some("-id")), ["id", "title"]);
    }

    #[test]
    fn empty_and_blank_tokens_are_ignored() {
        assert_eq!(
            resolved(&["id", "title"], Some(",+subtitle,, ,")),
            ["id", "subtitle", "title"]
        );
        assert_eq!(
            resolved(&["id", "title"], Some("handle,,")),
            ["handle", "id"]
        );
        // No token at all: the defaults are replaced, leaving only `id`.
        assert_eq!(resolved(&["title"], Some("")), ["id"]);
        assert_eq!(resolved(&["title"], Some(" , ,")), ["id"]);
    }

    #[test]
    fn tokens_are_trimmed() {
        assert_eq!(
            resolved(&["id"], Some("+subtitle , +handle")),
            ["handle", "id", "subtitle"]
        );
        // A trailing blank does not make a token a modifier.
        assert_eq!(resolved(&["title"], Some("handle ")), ["handle", "id"]);
    }
}
