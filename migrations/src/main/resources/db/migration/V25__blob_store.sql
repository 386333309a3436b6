-- The PostgreSQL blob store (issue #18, item 2; MMAAS_BLOB_STORE=postgres, the default): model content in the
-- database, so every control-plane replica can serve every artifact. One row per stored content, its bytes in
-- numbered chunks (1 MiB each but the last). A put writes its chunks and then its object row in one transaction, so a
-- blob is either whole or absent; the chunks' foreign key is checked at commit, since the object row (keyed by the
-- content's sha256) can only be written once the last chunk was hashed.
CREATE TABLE blob_store_objects (
    sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    object_id   uuid NOT NULL UNIQUE,
    size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
    chunk_bytes integer NOT NULL CHECK (chunk_bytes > 0),
    chunks      integer NOT NULL CHECK (chunks >= 0),
    stored_at   timestamptz NOT NULL
);
CREATE INDEX blob_store_objects_stored_at ON blob_store_objects (stored_at);

CREATE TABLE blob_store_chunks (
    object_id uuid NOT NULL REFERENCES blob_store_objects (object_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq       integer NOT NULL CHECK (seq >= 0),
    data      bytea NOT NULL,
    PRIMARY KEY (object_id, seq)
);
-- model weights do not compress: stored out of line without trying (EXTERNAL), which saves the CPU of pglz
ALTER TABLE blob_store_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
