//! Entity ids as Medusa writes them: `<prefix>_<ULID>`, e.g. `prod_01J9Z...`.
//!
//! ULIDs come from one monotonic generator per process, so ids made by this
//! process sort in creation order even within one millisecond (keyset
//! pagination relies on it).

use std::sync::{Mutex, OnceLock};

use ulid::{Generator, Ulid};

fn next_ulid() -> Ulid {
    static GENERATOR: OnceLock<Mutex<Generator>> = OnceLock::new();
    let generator = GENERATOR.get_or_init(|| Mutex::new(Generator::new()));
    match generator.lock() {
        Ok(mut g) => g.generate().unwrap_or_else(|_| Ulid::new()),
        Err(_) => Ulid::new(),
    }
}

/// A random secret of `bytes` random bytes, as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new id for an entity whose id prefix is `prefix`.
pub fn generate_id(prefix: &str) -> String {
    format!("{prefix}_{}", next_ulid())
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

    #[test]
    fn ids_sort_in_creation_order() {
        let ids: Vec<String> = (0..1000).map(|_| generate_id("x")).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }
}
