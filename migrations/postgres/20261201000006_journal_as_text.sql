-- The workflow journal's documents (inputs, outputs, errors, compensation
-- data, staged events) are written on every workflow run and read back only
-- to replay or recover one. Kept as text, a write no longer parses them into
-- jsonb. lz4 compresses them several times faster than the default pglz; a
-- server built without lz4 keeps pglz.
ALTER TABLE workflow_execution
    ALTER COLUMN input TYPE TEXT USING input::text,
    ALTER COLUMN output TYPE TEXT USING output::text,
    ALTER COLUMN error TYPE TEXT USING error::text;
ALTER TABLE workflow_step
    ALTER COLUMN output TYPE TEXT USING output::text,
    ALTER COLUMN compensate_input TYPE TEXT USING compensate_input::text,
    ALTER COLUMN events TYPE TEXT USING events::text;
DO $$
BEGIN
    ALTER TABLE workflow_execution
        ALTER COLUMN input SET COMPRESSION lz4,
        ALTER COLUMN output SET COMPRESSION lz4,
        ALTER COLUMN error SET COMPRESSION lz4;
    ALTER TABLE workflow_step
        ALTER COLUMN output SET COMPRESSION lz4,
        ALTER COLUMN compensate_input SET COMPRESSION lz4,
        ALTER COLUMN events SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: the journal keeps pglz';
END
$$;
