package io.mmaas.controlplane.gateway;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Which gateway replicas are alive: each renews its row every second and counts the rows renewed in the last three
 * seconds. Rates are split by this count. When PostgreSQL is unreachable the last count is kept.
 */
public final class GatewayMembership {
  private static final int LIVE_SECONDS = 3;

  private final Pool pool;
  private final Clock clock;
  private final UUID replicaId = UUID.randomUUID();
  private volatile int live = 1;

  public GatewayMembership(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public int live() {
    return live;
  }

  public Future<Void> renew() {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO gateway_members (replica_id, last_seen) VALUES ($1, $2) "
            + "ON CONFLICT (replica_id) DO UPDATE SET last_seen = EXCLUDED.last_seen")
        .execute(Tuple.of(replicaId, now))
        .compose(x -> pool.preparedQuery("SELECT count(*) AS n FROM gateway_members WHERE last_seen > $1")
            .execute(Tuple.of(now.minusSeconds(LIVE_SECONDS))))
        .map(rs -> {
          live = Math.max(1, rs.iterator().next().getLong("n").intValue());
          return (Void) null;
        });
  }

  /** Leaves the group at shutdown so the others take over the whole rate at once. */
  public Future<Void> leave() {
    return pool.preparedQuery("DELETE FROM gateway_members WHERE replica_id = $1").execute(Tuple.of(replicaId))
        .mapEmpty();
  }
}
