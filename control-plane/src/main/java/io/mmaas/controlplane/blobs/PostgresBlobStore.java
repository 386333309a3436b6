package io.mmaas.controlplane.blobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Blobs in PostgreSQL ({@code MMAAS_BLOB_STORE=postgres}, the default): one {@code blob_store_objects} row per content
 * and its bytes in {@code blob_store_chunks} rows of {@link #CHUNK} bytes, so any replica on the database serves any
 * artifact. Written through a pool of its own ({@code MMAAS_BLOB_DB_POOL_SIZE}), so big transfers never take the
 * connections admin requests and gateways use. A put writes its chunks and then the object row in one transaction
 * (whole or absent), and at most one less than the pool's size store at once, so reads always find a connection;
 * a read fetches one chunk per statement (with the next one asked for ahead), holding a pooled
 * connection only while a chunk is read, so a slow agent download holds no connection. A blob deleted while being
 * read fails that read at the next chunk (the agent retries and checks the hash anyway; only content no READY version
 * references is ever deleted).
 */
public final class PostgresBlobStore implements BlobStore {
  static final int CHUNK = 1 << 20;
  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final Permits writes;

  /**
   * @param poolSize the pool's size: writes, which hold a connection for a whole transfer, take at most one less, so
   *     that reads (agents downloading artifacts, one chunk per statement) always find a connection however many
   *     uploads are being stored; further writes wait their turn, holding nothing
   */
  public PostgresBlobStore(Vertx vertx, Pool pool, int poolSize, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    this.writes = new Permits(Math.max(1, poolSize - 1));
  }

  @Override
  public Future<BlobInfo> put(String sha256, ReadStream<Buffer> content) {
    BlobStore.checkName(sha256);
    // the stream waits paused for its turn (a file on this machine's disk, for an upload)
    content.pause();
    return size(sha256).compose(existing -> existing != null ? Future.succeededFuture(new BlobInfo(sha256, existing))
        : writes.acquire().compose(release -> pool.getConnection()
            .compose(conn -> write(conn, sha256, content).eventually(conn::close))
            .onComplete(done -> release.run())));
  }

  /** Writes storing now (at most one less than the pool's size). */
  int writesStoring() {
    return writes.held();
  }

  /** Writes waiting for their turn. */
  int writesWaiting() {
    return writes.waiting();
  }

  private Future<BlobInfo> write(SqlConnection conn, String sha256, ReadStream<Buffer> content) {
    UUID objectId = UUID.randomUUID();
    int[] chunks = {0};
    return conn.begin().compose(tx -> Chunker.consume(vertx, content, CHUNK, (seq, chunk, last) -> {
          chunks[0] = seq + 1;
          return conn.preparedQuery("INSERT INTO blob_store_chunks (object_id, seq, data) VALUES ($1, $2, $3)")
              .execute(Tuple.of(objectId, seq, chunk)).mapEmpty();
        })
        .compose(info -> {
          if (!info.sha256().equals(sha256)) {
            return Future.failedFuture(new DigestMismatchException(sha256, info.sha256()));
          }
          return conn.preparedQuery("INSERT INTO blob_store_objects (sha256, object_id, size_bytes, chunk_bytes, chunks, "
                  + "stored_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING")
              .execute(Tuple.of(sha256, objectId, info.size(), CHUNK, chunks[0], now()))
              // stored meanwhile by another put: ours is dropped, theirs stands
              .compose(r -> r.rowCount() == 1 ? tx.commit() : tx.rollback())
              .map(info);
        })
        .onFailure(e -> tx.rollback()));
  }

  @Override
  public Future<BlobInfo> putFile(String sha256, Path file) {
    return BlobStore.streamFile(vertx, this, sha256, file);
  }

  @Override
  public Future<BlobContent> get(String sha256) {
    BlobStore.checkName(sha256);
    return pool.preparedQuery("SELECT object_id, size_bytes, chunks FROM blob_store_objects WHERE sha256 = $1")
        .execute(Tuple.of(sha256)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          ChunkReader reader = new ChunkReader(row.getUUID("object_id"), row.getInteger("chunks"));
          return new BlobContent(row.getLong("size_bytes"),
              new PullReadStream(vertx.getOrCreateContext(), reader::next, () -> { }), null, Future::succeededFuture);
        });
  }

  /** Reads chunk after chunk, asking for the next one while the current one is being sent. */
  private final class ChunkReader {
    private final UUID objectId;
    private final int chunks;
    private int seq;
    private Future<Buffer> ahead;

    ChunkReader(UUID objectId, int chunks) {
      this.objectId = objectId;
      this.chunks = chunks;
    }

    Future<Buffer> next() {
      Future<Buffer> current = ahead != null ? ahead : read(seq);
      ahead = null;
      if (seq >= chunks) {
        return Future.succeededFuture(null);
      }
      seq++;
      if (seq < chunks) {
        ahead = read(seq);
      }
      return current;
    }

    private Future<Buffer> read(int n) {
      if (n >= chunks) {
        return Future.succeededFuture(null);
      }
      return pool.preparedQuery("SELECT data FROM blob_store_chunks WHERE object_id = $1 AND seq = $2")
          .execute(Tuple.of(objectId, n)).compose(rows -> rows.size() == 0
              ? Future.failedFuture(new IllegalStateException("blob chunk " + n + " is gone (deleted while read)"))
              : Future.succeededFuture(rows.iterator().next().getBuffer("data")));
    }
  }

  @Override
  public Future<Long> size(String sha256) {
    BlobStore.checkName(sha256);
    return pool.preparedQuery("SELECT size_bytes FROM blob_store_objects WHERE sha256 = $1").execute(Tuple.of(sha256))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  @Override
  public Future<Boolean> delete(String sha256) {
    BlobStore.checkName(sha256);
    return pool.preparedQuery("DELETE FROM blob_store_objects WHERE sha256 = $1").execute(Tuple.of(sha256))
        .map(r -> r.rowCount() > 0);
  }

  @Override
  public Future<List<String>> storedBefore(Instant before, int limit) {
    return pool.preparedQuery("SELECT sha256 FROM blob_store_objects WHERE stored_at < $1 ORDER BY stored_at LIMIT $2")
        .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), limit)).map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  @Override
  public String kind() {
    return "postgres";
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  private java.time.OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }
}
