-- Admin sessions: each sign-in is a row; tokens carry its id, so sign-out, password changes and disabling a user
-- end sessions at once.
CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    source_ip  text,
    user_agent text
);
CREATE INDEX sessions_user_open ON sessions (user_id) WHERE revoked_at IS NULL;

-- A rotated key points at the key it replaced.
ALTER TABLE api_keys ADD COLUMN rotated_from uuid REFERENCES api_keys (id);

CREATE INDEX users_tenant ON users (tenant_id, created_at, id);
