//! Auth sessions (`auth_session`): an actor remembered under a random id
//! until it expires or is closed. The HTTP layer signs the id into a cookie.

use serde_json::{Map, Value, json};

use crate::db::table::Table;
use crate::db::{ColumnKind as K, Database, DbError, Exec, codec};
use crate::framework::id::random_hex;

const SESSIONS: Table = Table {
    name: "auth_session",
    columns: &[
        ("id", K::Text),
        ("actor_type", K::Text),
        ("actor_id", K::Text),
        ("auth_identity_id", K::Text),
        ("app_metadata", K::Json),
        ("expires_at", K::Timestamp),
        ("created_at", K::Timestamp),
    ],
};

/// The actor a session stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionActor {
    pub actor_type: String,
    pub actor_id: String,
    pub auth_identity_id: String,
    pub app_metadata: Value,
    /// Unix seconds.
    pub expires_at: i64,
}

fn timestamp(unix: i64) -> Value {
    let at = chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default();
    Value::String(codec::format_timestamp(at))
}

/// Opens a session for `actor`; returns its id.
pub async fn open(db: &Database, actor: &SessionActor) -> Result<String, DbError> {
    let id = format!("sess_{}", random_hex(24));
    let row: Map<String, Value> = json!({
        "id": id, "actor_type": actor.actor_type, "actor_id": actor.actor_id,
        "auth_identity_id": actor.auth_identity_id, "app_metadata": actor.app_metadata,
        "expires_at": timestamp(actor.expires_at),
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    Exec::Db(db)
        .execute(&SESSIONS.insert(&row, db.dialect())?)
        .await?;
    Ok(id)
}

/// The live session `id`, if it exists and has not expired.
pub async fn find(db: &Database, id: &str) -> Result<Option<SessionActor>, DbError> {
    let now = codec::encode(
        &timestamp(chrono::Utc::now().timestamp()),
        K::Timestamp,
        db.dialect(),
    )
    .map_err(|e| DbError::Build(e.to_string()))?;
    let mut select = SESSIONS.select();
    select
        .and_where(SESSIONS.col("id").eq(id))
        .and_where(SESSIONS.col("expires_at").gt(now));
    let rows = Exec::Db(db).fetch(&select, &SESSIONS.specs()).await?;
    Ok(rows.into_iter().next().map(|row| {
        let text = |k: &str| {
            row.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let expires_at = row
            .get("expires_at")
            .and_then(Value::as_str)
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map_or(0, |t| t.timestamp());
        SessionActor {
            actor_type: text("actor_type"),
            actor_id: text("actor_id"),
            auth_identity_id: text("auth_identity_id"),
            app_metadata: row.get("app_metadata").cloned().unwrap_or(Value::Null),
            expires_at,
        }
    }))
}

/// Closes session `id`; false when there was none.
pub async fn close(db: &Database, id: &str) -> Result<bool, DbError> {
    let mut delete = sea_query::Query::delete();
    delete
        .from_table(sea_query::Alias::new(SESSIONS.name))
        .and_where(SESSIONS.col("id").eq(id));
    Ok(Exec::Db(db).execute(&delete).await? > 0)
}
