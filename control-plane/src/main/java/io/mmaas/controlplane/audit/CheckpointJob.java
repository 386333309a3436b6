package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.leader.FencedException;
import io.mmaas.controlplane.leader.LeaderLease;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the chain head every interval, when it moved since the last checkpoint. Only the holder of the scheduler's
 * {@link LeaderLease} takes checkpoints, each in a fenced transaction (a leader paused past its lease cannot add one
 * once a newer leader exists); a transaction-scoped advisory lock keeps overlapping ticks apart. Each checkpoint is
 * also logged, so a copy leaves the database with the log stream.
 */
public final class CheckpointJob {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointJob.class);
  static final long LOCK = 0x6d6d616173_10L;

  private final Pool pool;
  private final LeaderLease leader;
  private final CheckpointRepository checkpoints;
  private final AuditSigningKey key;
  private final Clock clock;

  public CheckpointJob(Pool pool, LeaderLease leader, CheckpointRepository checkpoints, AuditSigningKey key,
                       Clock clock) {
    this.pool = pool;
    this.leader = leader;
    this.checkpoints = checkpoints;
    this.key = key;
    this.clock = clock;
  }

  /** Takes one checkpoint if this process leads, holds the lock and the head moved; yields it, or null. */
  public Future<AuditCheckpoint> tick() {
    if (!leader.isLeader()) {
      return Future.succeededFuture(null);
    }
    return leader.fenced(pool, conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked")
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
        .recover(e -> e instanceof FencedException ? Future.succeededFuture(null) : Future.failedFuture(e))
        .onSuccess(c -> {
          if (c != null) {
            LOG.info("audit checkpoint {}", c.toJson().encode());
          }
        });
  }
}
