-- Garbage collection of blobs (issue #17, item 5): a blob no READY version references loses its file; its row
-- stays (marked collected) while deleted versions still point at it, and goes when none does.
ALTER TABLE blobs ADD COLUMN collected_at timestamptz;
CREATE INDEX model_versions_sha256 ON model_versions (sha256, state);
