//! Back-office membership (issue 6): the admin invites a colleague by email;
//! the colleague registers an email + password identity, accepts the invite
//! with the token and logs in as a user with access to `/admin`. An invite
//! cannot be accepted twice, a bad token is refused, a duplicate invite is
//! refused; users can be renamed and deleted (a deleted user's login no
//! longer opens `/admin`).

use medusa_tests::store::DemoStore;
use serde_json::json;

#[tokio::test]
async fn an_invited_colleague_becomes_a_user() {
    let store = DemoStore::start(None).await;
    let admin = store.admin_token().await;
    let (status, created) = store
        .post_as(
            "/admin/invites",
            json!({ "email": "Colleague@Shop.example" }),
            &admin,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let invite = created["invite"].clone();
    assert_eq!(invite["email"], "colleague@shop.example");
    assert_eq!(invite["accepted"], json!(false));
    let (status, twice) = store
        .post_as(
            "/admin/invites",
            json!({ "email": "colleague@shop.example" }),
            &admin,
        )
        .await;
    assert_eq!(status, 400, "{twice}");
    let (_, listed) = store.get_as("/admin/invites", &admin).await;
    assert_eq!(listed["count"], json!(1), "{listed}");
    let id = invite["id"].as_str().unwrap();
    let (status, resent) = store
        .post_as(&format!("/admin/invites/{id}/resend"), json!({}), &admin)
        .await;
    assert_eq!(status, 200, "{resent}");
    assert_ne!(resent["invite"]["token"], invite["token"], "a new token");
    let token = resent["invite"]["token"].as_str().unwrap().to_owned();

    let credentials = json!({ "email": "colleague@shop.example", "password": "welcome-aboard" });
    let registration = store
        .ok("/auth/user/emailpass/register", credentials.clone())
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, not_yet) = store.get_as("/admin/products", &registration).await;
    assert_eq!(status, 401, "a registration is not a user yet: {not_yet}");
    let (status, bad) = store
        .post_as(
            "/admin/invites/accept?token=not-the-token",
            json!({ "first_name": "Cole" }),
            &registration,
        )
        .await;
    assert_eq!(
        (status, bad["type"].clone()),
        (400, json!("invalid_data")),
        "{bad}"
    );
    let (status, accepted) = store
        .post_as(
            &format!("/admin/invites/accept?token={token}"),
            json!({ "first_name": "Cole", "last_name": "League" }),
            &registration,
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["user"]["email"], "colleague@shop.example");
    let user_id = accepted["user"]["id"].as_str().unwrap().to_owned();
    let (status, again) = store
        .post_as(
            &format!("/admin/invites/accept?token={token}"),
            json!({}),
            &registration,
        )
        .await;
    assert_eq!(status, 400, "accepted twice: {again}");

    let login = store.ok("/auth/user/emailpass", credentials.clone()).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, me) = store.get_as("/admin/users/me", &login).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["first_name"], "Cole");
    let (_, invites) = store.get_as("/admin/invites", &admin).await;
    assert_eq!(
        invites["count"],
        json!(0),
        "an accepted invite is gone: {invites}"
    );

    let (status, renamed) = store
        .post_as(
            &format!("/admin/users/{user_id}"),
            json!({ "last_name": "Leag" }),
            &admin,
        )
        .await;
    assert_eq!(
        (status, renamed["user"]["last_name"].clone()),
        (200, json!("Leag"))
    );
    let (status, own) = store
        .delete_as(&format!("/admin/users/{user_id}"), &login)
        .await;
    assert_eq!(status, 400, "nobody deletes themselves: {own}");
    let (status, deleted) = store
        .delete_as(&format!("/admin/users/{user_id}"), &admin)
        .await;
    assert_eq!(status, 200, "{deleted}");
    let (status, _) = store.get_as("/admin/products", &login).await;
    assert_eq!(status, 401, "a deleted user's earlier token opens nothing");
    let relogin = store.ok("/auth/user/emailpass", credentials).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = store.get_as("/admin/products", &relogin).await;
    assert_eq!(status, 401, "a deleted user's new login opens nothing");
}
