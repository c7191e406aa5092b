//! Entity ids as Medusa writes them: `<prefix>_<ULID>`, e.g. `prod_01J9Z...`.

/// A new id for an entity whose id prefix is `prefix`.
pub fn generate_id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_ulid() {
        let id = generate_id("prod");
        let (prefix, ulid) = id.split_once('_').unwrap_or_default();
        assert_eq!(prefix, "prod");
        assert_eq!(ulid.len(), 26);
        assert!(ulid::Ulid::from_string(ulid).is_ok());
        assert_ne!(generate_id("prod"), id);
    }
}
