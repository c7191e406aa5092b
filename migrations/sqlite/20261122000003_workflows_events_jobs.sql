-- Workflow executions: one row per (workflow, transaction id).
CREATE TABLE workflow_execution (
    id              TEXT PRIMARY KEY,
    workflow_id     TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    state           TEXT NOT NULL,
    input           TEXT NULL,
    output          TEXT NULL,
    error           TEXT NULL,
    heartbeat_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at     TEXT NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX "IDX_workflow_execution_transaction" ON workflow_execution (workflow_id, transaction_id);
CREATE INDEX "IDX_workflow_execution_state" ON workflow_execution (state, heartbeat_at);

-- The journal of each execution: one row per step, written in the step's own transaction.
CREATE TABLE workflow_step (
    execution_id      TEXT NOT NULL REFERENCES workflow_execution (id) ON DELETE CASCADE,
    step_id           TEXT NOT NULL,
    position          INTEGER NOT NULL,
    state             TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    output            TEXT NULL,
    compensate_input  TEXT NULL,
    events            TEXT NULL,
    error             TEXT NULL,
    started_at        TEXT NULL,
    ended_at          TEXT NULL,
    PRIMARY KEY (execution_id, step_id)
);

-- Event outbox: written in the same transaction as the change it reports.
CREATE TABLE event_outbox (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    data        TEXT NOT NULL,
    metadata    TEXT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX "IDX_event_outbox_status" ON event_outbox (status, id);

-- One delivery per event and subscriber: attempts, backoff, dead letters.
CREATE TABLE event_delivery (
    event_id         TEXT NOT NULL,
    subscriber       TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_error       TEXT NULL,
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (event_id, subscriber)
);
CREATE INDEX "IDX_event_delivery_due" ON event_delivery (status, next_attempt_at);

-- Scheduled jobs: the next tick, claimed by exactly one host.
CREATE TABLE scheduled_job (
    name          TEXT PRIMARY KEY,
    next_run_at   TEXT NOT NULL,
    last_run_at   TEXT NULL,
    last_status   TEXT NULL,
    last_error    TEXT NULL,
    last_host     TEXT NULL,
    executions    INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
