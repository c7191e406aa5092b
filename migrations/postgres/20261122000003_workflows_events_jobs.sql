-- Workflow executions: one row per (workflow, transaction id).
CREATE TABLE workflow_execution (
    id              TEXT PRIMARY KEY,
    workflow_id     TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    state           TEXT NOT NULL,
    input           JSONB NULL,
    output          JSONB NULL,
    error           JSONB NULL,
    heartbeat_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "IDX_workflow_execution_transaction" ON workflow_execution (workflow_id, transaction_id);
CREATE INDEX "IDX_workflow_execution_state" ON workflow_execution (state, heartbeat_at);

-- The journal of each execution: one row per step, written in the step's own transaction.
CREATE TABLE workflow_step (
    execution_id      TEXT NOT NULL REFERENCES workflow_execution (id) ON DELETE CASCADE,
    step_id           TEXT NOT NULL,
    position          BIGINT NOT NULL,
    state             TEXT NOT NULL,
    attempts          BIGINT NOT NULL DEFAULT 0,
    output            JSONB NULL,
    compensate_input  JSONB NULL,
    events            JSONB NULL,
    error             TEXT NULL,
    started_at        TIMESTAMPTZ NULL,
    ended_at          TIMESTAMPTZ NULL,
    PRIMARY KEY (execution_id, step_id)
);

-- Event outbox: written in the same transaction as the change it reports.
CREATE TABLE event_outbox (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    data        JSONB NOT NULL,
    metadata    JSONB NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX "IDX_event_outbox_status" ON event_outbox (status, id);

-- One delivery per event and subscriber: attempts, backoff, dead letters.
CREATE TABLE event_delivery (
    event_id         TEXT NOT NULL,
    subscriber       TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error       TEXT NULL,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, subscriber)
);
CREATE INDEX "IDX_event_delivery_due" ON event_delivery (status, next_attempt_at);

-- Scheduled jobs: the next tick, claimed by exactly one host.
CREATE TABLE scheduled_job (
    name          TEXT PRIMARY KEY,
    next_run_at   TIMESTAMPTZ NOT NULL,
    last_run_at   TIMESTAMPTZ NULL,
    last_status   TEXT NULL,
    last_error    TEXT NULL,
    last_host     TEXT NULL,
    executions    BIGINT NOT NULL DEFAULT 0,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
