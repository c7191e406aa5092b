//! User module: the people who run the store from the back office.

mod service;

pub use service::{
    NewUser, User, UserError, count_users, create_user, find_user, list_users, normalize_email,
};
