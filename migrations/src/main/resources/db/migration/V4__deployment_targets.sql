-- A deployment routes traffic to one or more versions ("targets"), each with a traffic weight and a replica count:
-- a canary is a second target with a small weight; a promotion sets the new target to 100 and the old one to 0
-- (the scheduler removes weight-0 targets once the others are fully READY); a rollback restores previous_targets.
CREATE TABLE deployment_targets (
    deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    version_id    uuid NOT NULL REFERENCES model_versions (id),
    weight        integer NOT NULL CHECK (weight BETWEEN 0 AND 100),
    replicas      integer NOT NULL CHECK (replicas BETWEEN 0 AND 64),
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, version_id)
);
INSERT INTO deployment_targets (deployment_id, version_id, weight, replicas, created_at)
    SELECT id, version_id, 100, desired_replicas, created_at FROM deployments;

ALTER TABLE deployments ADD COLUMN previous_targets jsonb;
ALTER TABLE deployments DROP COLUMN version_id;
ALTER TABLE deployments DROP COLUMN desired_replicas;

-- Free-form description and metadata per version.
ALTER TABLE model_versions
    ADD COLUMN description text NOT NULL DEFAULT '',
    ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE INDEX replicas_version ON replicas (version_id);
