package io.mmaas.controlplane.gateway;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Meters data-plane usage per tenant, key, model, version and minute in memory and writes it in batches (one
 * statement per flush, adding to what other replicas wrote), never a database write per request.
 */
public final class UsageMeter {
  public static final UUID NONE = new UUID(0, 0);

  private record Key(UUID tenantId, UUID keyId, UUID modelId, UUID versionId, Instant minute) {
  }

  /** requests, client errors, throttled, server errors, bytes in, bytes out, compute ms. */
  private static final int FIELDS = 7;

  private final Pool pool;
  private final Map<Key, LongAdder[]> pending = new ConcurrentHashMap<>();

  public UsageMeter(Pool pool) {
    this.pool = pool;
  }

  public void record(UUID tenantId, UUID keyId, UUID modelId, UUID versionId, Instant at, int status, long bytesIn,
                     long bytesOut, long computeMs) {
    Key k = new Key(tenantId, keyId, modelId == null ? NONE : modelId, versionId == null ? NONE : versionId,
        at.truncatedTo(ChronoUnit.MINUTES));
    LongAdder[] c = pending.computeIfAbsent(k, x -> counters());
    c[0].increment();
    if (status == 429) {
      c[2].increment();
    } else if (status >= 500) {
      c[3].increment();
    } else if (status >= 400) {
      c[1].increment();
    }
    c[4].add(bytesIn);
    c[5].add(bytesOut);
    c[6].add(computeMs);
  }

  private static LongAdder[] counters() {
    LongAdder[] a = new LongAdder[FIELDS];
    for (int i = 0; i < FIELDS; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  /** Usage rows (tenant, key, model, version, minute) waiting for the next flush (for metrics). */
  public long pendingRows() {
    return pending.size();
  }

  /** Writes what was gathered since the last flush; on failure the counts are kept for the next try. */
  public Future<Void> flush() {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    Map<Key, long[]> taken = new java.util.HashMap<>();
    for (Key k : new ArrayList<>(pending.keySet())) {
      LongAdder[] c = pending.remove(k);
      if (c == null) {
        continue;
      }
      long[] v = new long[FIELDS];
      for (int i = 0; i < FIELDS; i++) {
        v[i] = c[i].sum();
      }
      taken.put(k, v);
      batch.add(Tuple.from(new Object[] {k.tenantId(), k.keyId(), k.modelId(), k.versionId(),
          k.minute().atOffset(ZoneOffset.UTC), v[0], v[1], v[2], v[3], v[4], v[5], v[6]}));
    }
    return pool.preparedQuery("""
            INSERT INTO usage_minutes AS u (tenant_id, api_key_id, model_id, version_id, minute, requests,
              errors_client, throttled, errors_server, bytes_in, bytes_out, compute_ms)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (tenant_id, minute, api_key_id, model_id, version_id) DO UPDATE SET
              requests = u.requests + EXCLUDED.requests, errors_client = u.errors_client + EXCLUDED.errors_client,
              throttled = u.throttled + EXCLUDED.throttled, errors_server = u.errors_server + EXCLUDED.errors_server,
              bytes_in = u.bytes_in + EXCLUDED.bytes_in, bytes_out = u.bytes_out + EXCLUDED.bytes_out,
              compute_ms = u.compute_ms + EXCLUDED.compute_ms""")
        .executeBatch(batch).<Void>mapEmpty()
        .recover(e -> {
          taken.forEach((k, v) -> {
            LongAdder[] c = pending.computeIfAbsent(k, x -> counters());
            for (int i = 0; i < FIELDS; i++) {
              c[i].add(v[i]);
            }
          });
          return Future.failedFuture(e);
        });
  }
}
