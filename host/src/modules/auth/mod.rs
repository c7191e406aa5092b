//! Auth module: identities and the credentials (email + password) that prove them.

mod identity;
mod password;
pub mod session;

pub use identity::{
    AuthError, EmailPassIdentity, app_metadata, create_emailpass_identity, find_emailpass,
    identity_email, register_emailpass, set_app_metadata,
};
pub use password::{hash_password, verify_password};
