package io.mmaas.controlplane.registry;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.blobs.BlobStore;
import io.mmaas.controlplane.leader.FencedException;
import io.mmaas.controlplane.leader.LeaderLease;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored content that no READY version references, so the storage quota (which counts READY versions) also
 * bounds the disk. Candidates: blob rows whose versions were all deleted, and files in the store that no row
 * describes (a commit that failed after the move, or what older releases left) and that are older than
 * {@link #ORPHAN_GRACE}. Each candidate is re-checked and removed in a transaction that holds the blob's lock, the
 * same lock an upload holds from recording the blob until it commits, so content an upload is storing is never
 * taken. Agents are only ever given READY versions' content; one still reading removed content finishes its download
 * (file store) or fails it and tries again (the other stores), to find it gone.
 * Every removal is audited. Only the holder of the scheduler's {@link LeaderLease} collects, and each removal's
 * transaction is fenced by its epoch.
 */
public final class BlobCollector {
  private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);
  /** A file in the store younger than this may belong to an upload that has not committed yet. */
  static final Duration ORPHAN_GRACE = Duration.ofHours(1);
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final Pool pool;
  private final LeaderLease leader;
  private final RegistryRepository repo;
  private final BlobStore blobs;
  private final AuditWriter audit;
  private final Clock clock;

  public BlobCollector(Vertx vertx, Pool pool, LeaderLease leader, RegistryRepository repo, BlobStore blobs,
                       AuditWriter audit, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.leader = leader;
    this.repo = repo;
    this.blobs = blobs;
    this.audit = audit;
    this.clock = clock;
  }

  /** One pass; yields how many blobs were removed. */
  public Future<Integer> collect() {
    if (!leader.isLeader()) {
      return Future.succeededFuture(0);
    }
    return repo.unreferencedBlobs(pool, BATCH).compose(rows -> blobs.storedBefore(clock.instant().minus(ORPHAN_GRACE),
            10_000)
        .compose(files -> files.isEmpty() ? Future.succeededFuture(Set.<String>of())
            : repo.referencedAmong(pool, files).map(live -> {
              Set<String> orphans = new LinkedHashSet<>(files);
              orphans.removeAll(live);
              return orphans;
            }))
        .compose(orphans -> {
          Set<String> candidates = new LinkedHashSet<>(rows);
          candidates.addAll(orphans);
          return removeEach(new ArrayList<>(candidates), 0, 0);
        }))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("removed {} blob(s) no version references", n);
          }
        });
  }

  private Future<Integer> removeEach(List<String> candidates, int index, int removed) {
    if (index == candidates.size()) {
      return Future.succeededFuture(removed);
    }
    return remove(candidates.get(index))
        .recover(e -> {
          if (e instanceof FencedException) {
            return Future.failedFuture(e); // no longer the leader: the pass ends here
          }
          LOG.warn("could not remove blob {}: {}", candidates.get(index), e.getMessage());
          return Future.succeededFuture(false);
        })
        .compose(done -> removeEach(candidates, index + 1, removed + (done ? 1 : 0)));
  }

  private Future<Boolean> remove(String sha256) {
    return leader.fenced(pool, conn -> repo.lockBlob(conn, sha256)
        .compose(v -> repo.blobReferenced(conn, sha256))
        .compose(referenced -> referenced ? Future.succeededFuture(false)
            : blobs.delete(sha256).compose(deleted -> repo.forgetBlob(conn,
                    sha256, clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC))
                .compose(size -> size == null && !deleted ? Future.succeededFuture(false)
                    : audit.append(conn, Caller.system("blob-gc"), AuditRecord.success("blob.collect", null, "blob",
                        sha256, new JsonObject().put("sizeBytes", size).put("fileDeleted", deleted)
                            .put("reason", size == null ? "content no row describes" : "no READY version references it")))
                    .map(true)))));
  }
}
