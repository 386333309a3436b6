package io.mmaas.controlplane.gateway;

import io.mmaas.controlplane.gateway.GatewayMetrics.Refusal;
import io.mmaas.controlplane.keys.ApiKey;
import io.mmaas.controlplane.quotas.Quota;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Admission control for the data plane, before a request reaches an agent: per tenant a concurrency limit, a token
 * bucket (requests/s with burst) and the shared daily budget; per API key optional tighter concurrency and rate. Each
 * replica enforces its share of a rate — the tenant's rate divided by the number of live gateway replicas — so the
 * cluster admits at most the tenant's rate plus one burst (see docs/quotas.md for the bound). Concurrency is released
 * by the caller on every outcome.
 */
public final class Limiter {
  /** The answer for one request: allowed (then {@link #release} must run once it ends) or refused with a 429. */
  public record Decision(long retryAfterSeconds, String reason, Refusal refusal, long limit, long remaining,
                         Runnable release) {
    static Decision refuse(long retryAfterSeconds, Refusal refusal, String reason, long limit) {
      return new Decision(Math.max(1, retryAfterSeconds), reason, refusal, limit, 0, () -> { });
    }

    /** Admitted: no limit refused it. */
    public boolean allowed() {
      return refusal == null;
    }
  }

  private record TenantState(TokenBucket bucket, AtomicInteger inFlight, DailyBudget daily) {
  }

  private record KeyState(TokenBucket bucket, AtomicInteger inFlight) {
  }

  private final Pool pool;
  private final Clock clock;
  private final IntSupplier replicas;
  private final Map<UUID, TenantState> tenants = new ConcurrentHashMap<>();
  private final Map<UUID, KeyState> keys = new ConcurrentHashMap<>();

  public Limiter(Pool pool, Clock clock, IntSupplier replicas) {
    this.pool = pool;
    this.clock = clock;
    this.replicas = replicas;
  }

  public Future<Decision> admit(UUID tenantId, ApiKey key, Quota q) {
    long now = System.nanoTime();
    int n = Math.max(1, replicas.getAsInt());
    TenantState t = tenants.computeIfAbsent(tenantId, id -> new TenantState(
        new TokenBucket((double) q.requestsPerSecond() / n, Math.max(1.0, (double) q.burst() / n), now),
        new AtomicInteger(), new DailyBudget(id)));
    t.bucket().reconfigure((double) q.requestsPerSecond() / n, Math.max(1.0, (double) q.burst() / n), now);
    KeyState k = keys.computeIfAbsent(key.id(), id -> new KeyState(key.rateLimitRps() == null ? null
        : new TokenBucket((double) key.rateLimitRps() / n, burstOf(key, n), now), new AtomicInteger()));
    if (k.bucket() != null && key.rateLimitRps() != null) {
      k.bucket().reconfigure((double) key.rateLimitRps() / n, burstOf(key, n), now);
    }

    int tenantConcurrency = Math.max(1, q.concurrentRequests() / n);
    if (t.inFlight().incrementAndGet() > tenantConcurrency) {
      t.inFlight().decrementAndGet();
      return Future.succeededFuture(Decision.refuse(1, Refusal.TENANT_CONCURRENCY,
          "too many concurrent requests for this tenant (limit "
          + q.concurrentRequests() + ")", q.requestsPerSecond()));
    }
    if (key.maxConcurrent() != null && k.inFlight().incrementAndGet() > Math.max(1, key.maxConcurrent() / n)) {
      k.inFlight().decrementAndGet();
      t.inFlight().decrementAndGet();
      return Future.succeededFuture(Decision.refuse(1, Refusal.KEY_CONCURRENCY,
          "too many concurrent requests for this API key (limit "
          + key.maxConcurrent() + ")", q.requestsPerSecond()));
    }
    Runnable release = releaser(t, key.maxConcurrent() != null ? k : null);
    long wait = t.bucket().take(now);
    if (wait > 0) {
      release.run();
      return Future.succeededFuture(Decision.refuse(seconds(wait), Refusal.TENANT_RATE,
          "rate limit of " + q.requestsPerSecond()
          + " requests/s exceeded for this tenant", q.requestsPerSecond()));
    }
    if (k.bucket() != null) {
      long keyWait = k.bucket().take(now);
      if (keyWait > 0) {
        release.run();
        return Future.succeededFuture(Decision.refuse(seconds(keyWait), Refusal.KEY_RATE,
            "rate limit of " + key.rateLimitRps()
            + " requests/s exceeded for this API key", key.rateLimitRps()));
      }
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    long chunk = Math.max(10, Math.min(q.requestsPerDay() / 100, Math.max(10, q.requestsPerSecond() / n)));
    long remaining = t.bucket().remaining(now);
    return t.daily().consume(pool, today, q.requestsPerDay(), chunk).map(ok -> {
      if (!ok) {
        release.run();
        long untilMidnight = 86_400 - LocalTime.ofInstant(clock.instant(), ZoneOffset.UTC).toSecondOfDay();
        return Decision.refuse(untilMidnight, Refusal.DAILY_QUOTA,
            "daily request quota of " + q.requestsPerDay() + " reached",
            q.requestsPerDay());
      }
      return new Decision(0, null, null, q.requestsPerSecond(), remaining, release);
    });
  }

  private static double burstOf(ApiKey key, int n) {
    int burst = key.rateLimitBurst() != null ? key.rateLimitBurst() : key.rateLimitRps();
    return Math.max(1.0, (double) burst / n);
  }

  private static Runnable releaser(TenantState t, KeyState k) {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        t.inFlight().decrementAndGet();
        if (k != null) {
          k.inFlight().decrementAndGet();
        }
      }
    };
  }

  private static long seconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  /** Requests in flight on this replica, all tenants (for metrics). */
  public long inFlight() {
    long n = 0;
    for (TenantState t : tenants.values()) {
      n += t.inFlight().get();
    }
    return n;
  }

  /** Requests in flight for a tenant on this replica (for tests and metrics). */
  public int inFlight(UUID tenantId) {
    TenantState t = tenants.get(tenantId);
    return t == null ? 0 : t.inFlight().get();
  }
}
