package io.mmaas.controlplane.quotas;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Function;

/** SQL for quotas and the resource usage they are checked against. */
public final class QuotaRepository {
  private static final Function<Row, Quota> MAPPER = r -> new Quota(r.getUUID("tenant_id"),
      r.getInteger("requests_per_second"), r.getInteger("burst"), r.getLong("requests_per_day"),
      r.getInteger("concurrent_requests"), r.getInteger("max_models"), r.getLong("max_storage_bytes"),
      r.getInteger("max_replicas"), r.getLong("max_gpu_memory_bytes"));

  public Future<Quota> find(SqlClient client, UUID tenantId) {
    return one(client.preparedQuery("SELECT * FROM quotas WHERE tenant_id = $1").mapping(MAPPER)
        .execute(Tuple.of(tenantId)));
  }

  /**
   * The quota row locked until the transaction ends: every change that consumes a resource takes this lock first,
   * so two concurrent requests cannot both see room for one more and together exceed the limit.
   */
  public Future<Quota> lock(SqlClient client, UUID tenantId) {
    return one(client.preparedQuery("SELECT * FROM quotas WHERE tenant_id = $1 FOR UPDATE").mapping(MAPPER)
        .execute(Tuple.of(tenantId)));
  }

  public Future<Void> update(SqlClient client, Quota q, OffsetDateTime now) {
    return client.preparedQuery("""
            UPDATE quotas SET requests_per_second = $2, burst = $3, requests_per_day = $4, concurrent_requests = $5,
              max_models = $6, max_storage_bytes = $7, max_replicas = $8, max_gpu_memory_bytes = $9, updated_at = $10
            WHERE tenant_id = $1""")
        .execute(Tuple.from(new Object[] {q.tenantId(), q.requestsPerSecond(), q.burst(), q.requestsPerDay(),
            q.concurrentRequests(), q.maxModels(), q.maxStorageBytes(), q.maxReplicas(), q.maxGpuMemoryBytes(), now}))
        .mapEmpty();
  }

  /** What the tenant uses now: models, stored bytes (per version), desired replicas, today's requests. */
  public Future<JsonObject> usage(SqlClient client, UUID tenantId, java.time.LocalDate today) {
    return client.preparedQuery("""
            SELECT (SELECT count(*) FROM models WHERE tenant_id = $1) AS models,
                   (SELECT coalesce(sum(size_bytes), 0) FROM model_versions WHERE tenant_id = $1 AND state = 'READY') AS storage,
                   (SELECT coalesce(sum(t.replicas), 0) FROM deployment_targets t JOIN deployments d ON d.id = t.deployment_id WHERE d.tenant_id = $1) AS replicas,
                   (SELECT coalesce(sum(requests), 0) FROM usage_minutes WHERE tenant_id = $1 AND minute >= $2::date) AS requests_today""")
        .execute(Tuple.of(tenantId, today))
        .map(rs -> {
          Row r = rs.iterator().next();
          return new JsonObject().put("models", r.getLong("models")).put("storageBytes", r.getLong("storage"))
              .put("replicas", r.getLong("replicas")).put("requestsToday", r.getLong("requests_today"));
        });
  }

  public Future<Long> countModels(SqlClient client, UUID tenantId) {
    return scalar(client, "SELECT count(*) FROM models WHERE tenant_id = $1", tenantId);
  }

  public Future<Long> storedBytes(SqlClient client, UUID tenantId) {
    return scalar(client, "SELECT coalesce(sum(size_bytes), 0) FROM model_versions WHERE tenant_id = $1 AND state = 'READY'",
        tenantId);
  }

  public Future<Long> desiredReplicas(SqlClient client, UUID tenantId) {
    return scalar(client, "SELECT coalesce(sum(t.replicas), 0) FROM deployment_targets t JOIN deployments d ON d.id = t.deployment_id "
        + "WHERE d.tenant_id = $1", tenantId);
  }

  private static Future<Long> scalar(SqlClient client, String sql, UUID tenantId) {
    return client.preparedQuery(sql).execute(Tuple.of(tenantId)).map(rs -> rs.iterator().next().getLong(0));
  }

  private static <T> Future<T> one(Future<io.vertx.sqlclient.RowSet<T>> rows) {
    return rows.map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }
}
