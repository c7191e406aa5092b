-- Invites to the back office: an email and a secret token that
-- `POST /admin/invites/accept` turns into a user.
CREATE TABLE invite (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    token       TEXT NOT NULL,
    accepted    BOOLEAN NOT NULL DEFAULT 0,
    expires_at  TEXT NOT NULL,
    metadata    TEXT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at  TEXT NULL
);
CREATE UNIQUE INDEX "IDX_invite_email" ON invite (email) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX "IDX_invite_token" ON invite (token);
