-- Model hosts: each replica is served by a model host process of its agent, at a URL of its own; a replica that
-- keeps crashing its host is quarantined (not loaded again, not placed elsewhere) until a new version replaces it
-- or an admin asks to retry, which bumps retry.
ALTER TABLE replicas
    ADD COLUMN serving_url    text CHECK (serving_url IS NULL OR length(serving_url) <= 2048),
    ADD COLUMN quarantined_at timestamptz,
    ADD COLUMN retry          integer NOT NULL DEFAULT 0 CHECK (retry >= 0);

-- Warm-up samples of a version: OIP JSON inference requests run once each by the model host after loading.
ALTER TABLE model_versions
    ADD COLUMN warmup_samples jsonb NOT NULL DEFAULT '[]'::jsonb;
