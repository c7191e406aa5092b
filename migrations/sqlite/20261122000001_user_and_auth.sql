-- User module: back-office users.
-- Timestamps are ISO-8601 UTC text; JSON columns are text holding JSON.
CREATE TABLE "user" (
    id          TEXT PRIMARY KEY,
    first_name  TEXT NULL,
    last_name   TEXT NULL,
    email       TEXT NOT NULL,
    avatar_url  TEXT NULL,
    metadata    TEXT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at  TEXT NULL
);
CREATE UNIQUE INDEX "IDX_user_email" ON "user" (email) WHERE deleted_at IS NULL;

-- Auth module: identities and the provider credentials that prove them.
CREATE TABLE auth_identity (
    id            TEXT PRIMARY KEY,
    app_metadata  TEXT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at    TEXT NULL
);

CREATE TABLE provider_identity (
    id                 TEXT PRIMARY KEY,
    entity_id          TEXT NOT NULL,
    provider           TEXT NOT NULL,
    auth_identity_id   TEXT NOT NULL REFERENCES auth_identity (id) ON DELETE CASCADE,
    user_metadata      TEXT NULL,
    provider_metadata  TEXT NULL,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at         TEXT NULL
);
CREATE UNIQUE INDEX "IDX_provider_identity_provider_entity_id"
    ON provider_identity (entity_id, provider) WHERE deleted_at IS NULL;
CREATE INDEX "IDX_provider_identity_auth_identity_id" ON provider_identity (auth_identity_id);
