//! A back-office client for the demo store: the admin's bearer token on
//! every call, with helpers that assert the status.

use serde_json::Value;

use crate::store::DemoStore;

/// The demo admin, logged in.
pub struct Admin<'a> {
    pub store: &'a DemoStore,
    pub token: String,
}

impl<'a> Admin<'a> {
    /// Logs the demo admin in.
    pub async fn login(store: &'a DemoStore) -> Self {
        Self {
            store,
            token: store.admin_token().await,
        }
    }

    /// `GET` that must answer 200.
    pub async fn get(&self, path: &str) -> Value {
        let (status, body) = self.store.get_as(path, &self.token).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// `POST` that must answer 200.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.post_status(path, body).await;
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    }

    /// `POST`, whatever it answers.
    pub async fn post_status(&self, path: &str, body: Value) -> (u16, Value) {
        self.store.post_as(path, body, &self.token).await
    }

    /// A `POST` that must fail with `status` in Medusa's error shape; the message.
    pub async fn refused(&self, path: &str, body: Value, status: u16) -> String {
        let (got, answer) = self.post_status(path, body).await;
        assert_eq!(got, status, "POST {path}: {answer}");
        assert!(answer["type"].is_string(), "{answer}");
        answer["message"].as_str().unwrap_or_default().to_owned()
    }

    /// `DELETE`, whatever it answers.
    pub async fn delete_status(&self, path: &str) -> (u16, Value) {
        self.store.delete_as(path, &self.token).await
    }

    /// `DELETE` that must answer 200.
    pub async fn delete(&self, path: &str) -> Value {
        let (status, body) = self.delete_status(path).await;
        assert_eq!(status, 200, "DELETE {path}: {body}");
        body
    }
}
