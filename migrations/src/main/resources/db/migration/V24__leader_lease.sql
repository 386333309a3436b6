-- Issue #18: the leader lease. One row per singleton (today only 'scheduler': placement and leases, audit
-- checkpoints, blob collection). A process becomes leader by taking an expired row and raising its epoch, keeps it by
-- renewing before expires_at, and every leader-only write runs in a transaction that first locks this row with
-- SELECT ... WHERE epoch = <its epoch> FOR KEY SHARE (the fencing token). Expiry is judged only by the database's
-- clock, never a process's.
--
-- Why (name, epoch) is UNIQUE: it makes epoch a "key" column for PostgreSQL's row locks. A renewal changes only
-- renewed_at/expires_at (a FOR NO KEY UPDATE lock), which does not wait for the leader's own fenced transactions; a
-- takeover changes the epoch (a FOR UPDATE lock), which waits for every transaction that checked the old epoch to end.
-- So a stale leader's write either commits before the takeover or is refused after it, never in between.
CREATE TABLE leader_lease (
    name        text PRIMARY KEY,
    holder      text,                              -- the process holding it (host/pid/random), null before the first
    epoch       bigint NOT NULL DEFAULT 0 CHECK (epoch >= 0),
    acquired_at timestamptz,
    renewed_at  timestamptz,
    expires_at  timestamptz NOT NULL DEFAULT '-infinity',
    UNIQUE (name, epoch)
);

INSERT INTO leader_lease (name) VALUES ('scheduler');
