-- Auth sessions: what `POST /auth/session` opens and `DELETE /auth/session`
-- closes. The session cookie carries a signed session id; the actor lives here,
-- so a closed session is refused by every host sharing the database.
CREATE TABLE auth_session (
    id                TEXT PRIMARY KEY,
    actor_type        TEXT NOT NULL,
    actor_id          TEXT NOT NULL,
    auth_identity_id  TEXT NOT NULL,
    app_metadata      JSONB NULL,
    expires_at        TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX "IDX_auth_session_expires_at" ON auth_session (expires_at);
