package io.mmaas.controlplane.gateway;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One tenant's requests-per-day budget as seen by one gateway replica. Replicas reserve chunks of the shared daily
 * count atomically in PostgreSQL ({@code usage_daily.reserved} never exceeds the limit) and spend them locally, so
 * the daily limit holds across replicas with no database write per request: the tenant can be under-admitted by at
 * most one unspent chunk per replica, never over-admitted. The next chunk is fetched when half of the current one is
 * spent. When PostgreSQL cannot be reached, the replica serves from what it has reserved, then fails open for the
 * rest of the outage (availability over billing; documented).
 */
final class DailyBudget {
  private final UUID tenantId;
  private final AtomicLong local = new AtomicLong();
  private LocalDate day;
  private boolean exhausted;
  private boolean failOpen;
  private Future<Void> inFlight;

  DailyBudget(UUID tenantId) {
    this.tenantId = tenantId;
  }

  /** Whether one more request may go ahead today. Completes at once unless this replica's allowance ran out. */
  synchronized Future<Boolean> consume(Pool pool, LocalDate today, long limit, long chunk) {
    if (!today.equals(day)) {
      day = today;
      local.set(0);
      exhausted = false;
      failOpen = false;
    }
    long left = local.decrementAndGet();
    if (left >= 0) {
      if (left < chunk / 2) {
        reserve(pool, today, limit, chunk);
      }
      return Future.succeededFuture(true);
    }
    local.incrementAndGet();
    if (exhausted) {
      return Future.succeededFuture(false);
    }
    return reserve(pool, today, limit, chunk).map(v -> {
      synchronized (this) {
        if (local.decrementAndGet() >= 0) {
          return true;
        }
        local.incrementAndGet();
        return failOpen && !exhausted;
      }
    });
  }

  private Future<Void> reserve(Pool pool, LocalDate today, long limit, long chunk) {
    if (inFlight != null) {
      return inFlight;
    }
    Future<Void> f = pool.withTransaction(conn -> conn.preparedQuery(
                "INSERT INTO usage_daily (tenant_id, day, reserved) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
            .execute(Tuple.of(tenantId, today))
            .compose(x -> conn.preparedQuery(
                    "SELECT reserved FROM usage_daily WHERE tenant_id = $1 AND day = $2 FOR UPDATE")
                .execute(Tuple.of(tenantId, today)))
            .compose(rs -> {
              long reserved = rs.iterator().next().getLong("reserved");
              long granted = Math.min(chunk, limit - reserved);
              if (granted <= 0) {
                return Future.succeededFuture(0L);
              }
              return conn.preparedQuery(
                      "UPDATE usage_daily SET reserved = reserved + $3 WHERE tenant_id = $1 AND day = $2")
                  .execute(Tuple.of(tenantId, today, granted)).map(granted);
            }))
        .map(granted -> {
          synchronized (this) {
            if (today.equals(day)) {
              local.addAndGet(granted);
              exhausted = granted == 0;
              failOpen = false;
            }
          }
          return (Void) null;
        })
        .recover(e -> {
          synchronized (this) {
            failOpen = true;
          }
          return Future.succeededFuture();
        })
        .onComplete(x -> {
          synchronized (this) {
            inFlight = null;
          }
        });
    inFlight = f;
    return f;
  }
}
