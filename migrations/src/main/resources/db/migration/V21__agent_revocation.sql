-- Agents can be disabled (credential refused at once, replicas placed elsewhere) and enrolment tokens can be
-- single-use (issue #17, item 6).
ALTER TABLE agents ADD COLUMN disabled_at timestamptz;
ALTER TABLE enrollment_tokens ADD COLUMN single_use boolean NOT NULL DEFAULT false;
ALTER TABLE enrollment_tokens ADD COLUMN last_used_at timestamptz;
