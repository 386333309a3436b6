-- The audit log, tamper-evident (issue #8):
--   1. an application role that may only read and append the audit tables (the owner keeps running migrations);
--   2. signed checkpoints of the chain head, append-only like the events, so a cut tail is detected too;
--   3. indexes for the audit filters (tenant, actor, action, target, outcome, time range; newest first by seq).

-- 1. The application role. Roles are cluster-wide, so it may exist already (another database of the same cluster,
-- a test running in parallel, or an operator who created it beforehand with a password). Where the migrating user
-- may not create roles (some managed services), the role must be created beforehand; without it the grants below
-- are skipped with a notice and the control plane keeps connecting as before (MMAAS_DATABASE_ROLE unset).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mmaas_app') THEN
        BEGIN
            CREATE ROLE mmaas_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL;   -- created concurrently
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'cannot create role mmaas_app (%); create it and re-run the grants of V10', SQLERRM;
        END;
    END IF;
END;
$$;

-- 2. Signed checkpoints: the chain head (seq, hash) at a time, signed with the control plane's Ed25519 key.
CREATE TABLE audit_checkpoints (
    seq        bigint PRIMARY KEY,        -- the head's seq when the checkpoint was taken
    hash       text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL,
    key_id     text NOT NULL,             -- first 16 hex digits of the SHA-256 of the public key (X.509 DER)
    signature  text NOT NULL              -- base64 Ed25519 signature of AuditCheckpoint.signedText()
);

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- 3. Filters. Each index ends in seq so a filtered page is an index range read newest-first; time ranges are turned
-- into seq ranges through (occurred_at, seq) (the writer keeps occurred_at non-decreasing along the chain).
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_target ON audit_events (target_type, target_id, seq);
CREATE INDEX audit_events_outcome ON audit_events (outcome, seq);
CREATE INDEX audit_events_time_seq ON audit_events (occurred_at, seq);
DROP INDEX audit_events_time;

-- Grants: everything the application does on every table, except that the audit tables are read and append only.
-- Default privileges cover tables that later migrations create (run by the same owner). TRUNCATE is never granted.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'mmaas_app') THEN
        EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO mmaas_app', current_database());
        GRANT USAGE ON SCHEMA public TO mmaas_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mmaas_app;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO mmaas_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mmaas_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO mmaas_app;
        REVOKE ALL ON audit_events, audit_checkpoints FROM mmaas_app;
        GRANT SELECT, INSERT ON audit_events, audit_checkpoints TO mmaas_app;
        IF to_regclass('flyway_schema_history') IS NOT NULL THEN
            REVOKE ALL ON flyway_schema_history FROM mmaas_app;
            GRANT SELECT ON flyway_schema_history TO mmaas_app;
        END IF;
    END IF;
END;
$$;
