//! Auth module: identities and the credentials (email + password) that prove them.

mod identity;
mod password;

pub use identity::{AuthError, create_emailpass_identity};
pub use password::{hash_password, verify_password};
