-- Framework: the module and link descriptions the database was migrated to.
CREATE TABLE medusa_schema (
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name)
);
