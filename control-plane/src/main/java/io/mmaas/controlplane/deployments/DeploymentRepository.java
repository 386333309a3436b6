package io.mmaas.controlplane.deployments;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** SQL for deployments and their replicas. */
public final class DeploymentRepository {
  private static final String SELECT = """
      SELECT d.*, m.name AS model_name, v.version FROM deployments d
      JOIN models m ON m.id = d.model_id JOIN model_versions v ON v.id = d.version_id""";
  private static final Function<Row, Deployment> MAPPER = r -> new Deployment(r.getUUID("id"), r.getUUID("tenant_id"),
      r.getUUID("model_id"), r.getString("model_name"), r.getUUID("version_id"), r.getInteger("version"),
      r.getInteger("desired_replicas"), (JsonObject) r.getValue("runtime_options"), r.getOffsetDateTime("created_at"),
      List.of());
  private static final Function<Row, Deployment.Replica> REPLICA = r -> new Deployment.Replica(r.getUUID("id"),
      r.getUUID("agent_id"), r.getString("agent_name"), r.getString("state"), r.getString("reason"),
      r.getLong("memory_bytes"));

  /** Inserts the deployment; false when the model already has one. */
  public Future<Boolean> insert(SqlClient client, UUID id, UUID tenantId, UUID modelId, UUID versionId, int replicas,
                                JsonObject runtime, OffsetDateTime now) {
    return client.preparedQuery("""
            INSERT INTO deployments (id, tenant_id, model_id, version_id, desired_replicas, runtime_options,
              created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (model_id) DO NOTHING""")
        .execute(Tuple.from(new Object[] {id, tenantId, modelId, versionId, replicas, runtime, now}))
        .map(rs -> rs.rowCount() == 1);
  }

  public Future<Void> insertPendingReplicas(SqlClient client, UUID deploymentId, UUID versionId, int count,
                                            OffsetDateTime now) {
    if (count <= 0) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(Tuple.of(UUID.randomUUID(), deploymentId, versionId, now));
    }
    return client.preparedQuery("INSERT INTO replicas (id, deployment_id, version_id, state, reason, created_at, "
            + "updated_at) VALUES ($1, $2, $3, 'PENDING', 'waiting for placement', $4, $4)")
        .executeBatch(batch).mapEmpty();
  }

  public Future<Deployment> find(SqlClient client, UUID tenantId, UUID id) {
    return client.preparedQuery(SELECT + " WHERE d.tenant_id = $1 AND d.id = $2").mapping(MAPPER)
        .execute(Tuple.of(tenantId, id))
        .compose(rs -> rs.iterator().hasNext() ? withReplicas(client, rs.iterator().next()) : Future.succeededFuture());
  }

  public Future<List<Deployment>> page(SqlClient client, UUID tenantId, int limit, OffsetDateTime afterCreated,
                                       UUID afterId) {
    String sql = afterId == null
        ? SELECT + " WHERE d.tenant_id = $1 ORDER BY d.created_at, d.id LIMIT $2"
        : SELECT + " WHERE d.tenant_id = $1 AND (d.created_at, d.id) > ($3, $4) ORDER BY d.created_at, d.id LIMIT $2";
    Tuple args = afterId == null ? Tuple.of(tenantId, limit) : Tuple.of(tenantId, limit, afterCreated, afterId);
    return client.preparedQuery(sql).mapping(MAPPER).execute(args).compose(rs -> {
      List<Future<Deployment>> all = new ArrayList<>();
      rs.forEach(d -> all.add(withReplicas(client, d)));
      return Future.all(all).map(cf -> {
        List<Deployment> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          out.add(cf.resultAt(i));
        }
        return out;
      });
    });
  }

  private Future<Deployment> withReplicas(SqlClient client, Deployment d) {
    return client.preparedQuery("""
            SELECT r.*, a.name AS agent_name FROM replicas r LEFT JOIN agents a ON a.id = r.agent_id
            WHERE r.deployment_id = $1 ORDER BY r.created_at, r.id""")
        .mapping(REPLICA).execute(Tuple.of(d.id()))
        .map(rs -> new Deployment(d.id(), d.tenantId(), d.modelId(), d.modelName(), d.versionId(), d.version(),
            d.desiredReplicas(), d.runtimeOptions(), d.createdAt(), list(rs)));
  }

  private static <T> List<T> list(RowSet<T> rs) {
    List<T> out = new ArrayList<>();
    rs.forEach(out::add);
    return out;
  }
}
