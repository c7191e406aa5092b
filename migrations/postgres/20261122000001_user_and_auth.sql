-- User module: back-office users.
CREATE TABLE "user" (
    id          TEXT PRIMARY KEY,
    first_name  TEXT NULL,
    last_name   TEXT NULL,
    email       TEXT NOT NULL,
    avatar_url  TEXT NULL,
    metadata    JSONB NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ NULL
);
CREATE UNIQUE INDEX "IDX_user_email" ON "user" (email) WHERE deleted_at IS NULL;

-- Auth module: identities and the provider credentials that prove them.
CREATE TABLE auth_identity (
    id            TEXT PRIMARY KEY,
    app_metadata  JSONB NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at    TIMESTAMPTZ NULL
);

CREATE TABLE provider_identity (
    id                 TEXT PRIMARY KEY,
    entity_id          TEXT NOT NULL,
    provider           TEXT NOT NULL,
    auth_identity_id   TEXT NOT NULL REFERENCES auth_identity (id) ON DELETE CASCADE,
    user_metadata      JSONB NULL,
    provider_metadata  JSONB NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at         TIMESTAMPTZ NULL
);
CREATE UNIQUE INDEX "IDX_provider_identity_provider_entity_id"
    ON provider_identity (entity_id, provider) WHERE deleted_at IS NULL;
CREATE INDEX "IDX_provider_identity_auth_identity_id" ON provider_identity (auth_identity_id);
