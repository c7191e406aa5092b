//! User module: the people who run the store from the back office, and the
//! invites that bring new ones in.

mod invites;
mod service;

pub use invites::{
    INVITE_TTL_DAYS, create_invite, delete_invite, find_invite, list_invites, renew_invite,
    update_invite,
};

pub use service::{
    NewUser, User, UserError, count_users, create_user, find_user, find_user_by_email, list_users,
    normalize_email, update_user,
};
