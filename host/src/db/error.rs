//! Storage errors, classified so that callers can answer with the right status.

/// A failure of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot create the database {url}: {source}")]
    Create {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("a row with the same {constraint} already exists")]
    UniqueViolation { constraint: String },
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(sqlx::Error),
    #[error("cannot build SQL: {0}")]
    Build(String),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            return Self::UniqueViolation {
                constraint: db.constraint().unwrap_or("key").to_owned(),
            };
        }
        Self::Query(err)
    }
}
