-- Invites to the back office: an email and a secret token that
-- `POST /admin/invites/accept` turns into a user.
CREATE TABLE invite (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    token       TEXT NOT NULL,
    accepted    BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at  TIMESTAMPTZ NOT NULL,
    metadata    JSONB NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ NULL
);
CREATE UNIQUE INDEX "IDX_invite_email" ON invite (email) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX "IDX_invite_token" ON invite (token);
