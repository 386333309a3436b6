package io.mmaas.controlplane.gateway;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Which gateway replicas are alive: each renews its row every second and counts the rows renewed in the last three
 * seconds. Rates are split by this count. When PostgreSQL is unreachable the last count is kept.
 */
public final class GatewayMembership {
  private static final int LIVE_SECONDS = 3;

  private final Pool pool;
  private final UUID replicaId = UUID.randomUUID();
  private volatile int live = 1;

  public GatewayMembership(Pool pool) {
    this.pool = pool;
  }

  public int live() {
    return live;
  }

  public Future<Void> renew() {
    // The database's clock on both sides: replicas on hosts with skewed clocks still agree on who is live.
    return pool.preparedQuery("INSERT INTO gateway_members (replica_id, last_seen) VALUES ($1, now()) "
            + "ON CONFLICT (replica_id) DO UPDATE SET last_seen = EXCLUDED.last_seen")
        .execute(Tuple.of(replicaId))
        .compose(x -> pool.query("SELECT count(*) AS n FROM gateway_members WHERE last_seen > now() - interval '"
            + LIVE_SECONDS + " seconds'").execute())
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
