package io.mmaas.controlplane.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the chain head every interval, when it moved since the last checkpoint. One replica at a time takes the
 * tick (a transaction-scoped advisory lock, as the placement scheduler does); the others skip it. Each checkpoint is
 * also logged, so a copy leaves the database with the log stream.
 */
public final class CheckpointJob {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointJob.class);
  static final long LOCK = 0x6d6d616173_10L;

  private final Pool pool;
  private final CheckpointRepository checkpoints;
  private final AuditSigningKey key;
  private final Clock clock;

  public CheckpointJob(Pool pool, CheckpointRepository checkpoints, AuditSigningKey key, Clock clock) {
    this.pool = pool;
    this.checkpoints = checkpoints;
    this.key = key;
    this.clock = clock;
  }

  /** Takes one checkpoint if this replica holds the lock and the head moved; yields it, or null. */
  public Future<AuditCheckpoint> tick() {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked")
        .execute(Tuple.of(LOCK))
        .compose(rs -> {
          if (!rs.iterator().next().getBoolean("locked")) {
            return Future.succeededFuture(null);
          }
          return checkpoints.head(conn).compose(head -> checkpoints.latest(conn).compose(last -> {
            if (head == null || (last != null && last.seq() >= head.seq())) {
              return Future.succeededFuture(null);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            AuditCheckpoint c = new AuditCheckpoint(head.seq(), head.hash(), now, key.publicKey().keyId(),
                key.sign(AuditCheckpoint.signedText(head.seq(), head.hash(), now)));
            return checkpoints.insert(conn, c).map(c);
          }));
        }))
        .onSuccess(c -> {
          if (c != null) {
            LOG.info("audit checkpoint {}", c.toJson().encode());
          }
        });
  }
}
