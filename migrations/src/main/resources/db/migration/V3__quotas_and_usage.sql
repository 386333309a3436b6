-- Optional per-key limits, tighter than the tenant's (checked when set).
ALTER TABLE api_keys
    ADD COLUMN rate_limit_rps   integer CHECK (rate_limit_rps > 0),
    ADD COLUMN rate_limit_burst integer CHECK (rate_limit_burst > 0),
    ADD COLUMN max_concurrent   integer CHECK (max_concurrent > 0);

-- Usage per tenant, key, model, version and minute, written in batches by the gateways. The zero UUID stands for
-- "none" (a request that did not name a known model), so the key is a plain primary key.
DROP TABLE usage_minutes;
CREATE TABLE usage_minutes (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    api_key_id    uuid NOT NULL,
    model_id      uuid NOT NULL,
    version_id    uuid NOT NULL,
    minute        timestamptz NOT NULL,
    requests      bigint NOT NULL DEFAULT 0,
    errors_client bigint NOT NULL DEFAULT 0,   -- 4xx other than 429
    throttled     bigint NOT NULL DEFAULT 0,   -- 429
    errors_server bigint NOT NULL DEFAULT 0,   -- 5xx
    bytes_in      bigint NOT NULL DEFAULT 0,
    bytes_out     bigint NOT NULL DEFAULT 0,
    compute_ms    bigint NOT NULL DEFAULT 0,   -- time spent by agents (upstream time seen by the gateway)
    PRIMARY KEY (tenant_id, minute, api_key_id, model_id, version_id)
);

-- The shared daily request budget: gateways reserve chunks of it atomically and spend them locally.
CREATE TABLE usage_daily (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    day       date NOT NULL,
    reserved  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day)
);

-- Live gateway replicas (each renews its row every second); a tenant's rate is split across them.
CREATE TABLE gateway_members (
    replica_id uuid PRIMARY KEY,
    last_seen  timestamptz NOT NULL
);
