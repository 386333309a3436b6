package io.mmaas.controlplane.deployments;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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

/** SQL for deployments, their targets and their replicas. */
public final class DeploymentRepository {
  private static final String SELECT = """
      SELECT d.*, m.name AS model_name FROM deployments d JOIN models m ON m.id = d.model_id""";
  private static final Function<Row, Deployment> MAPPER = r -> new Deployment(r.getUUID("id"), r.getUUID("tenant_id"),
      r.getUUID("model_id"), r.getString("model_name"), (JsonObject) r.getValue("runtime_options"),
      r.getOffsetDateTime("created_at"), List.of(), List.of(), (JsonArray) r.getValue("previous_targets"));
  private static final Function<Row, Deployment.Target> TARGET = r -> new Deployment.Target(r.getUUID("version_id"),
      r.getInteger("version"), r.getInteger("weight"), r.getInteger("replicas"));
  private static final Function<Row, Deployment.Replica> REPLICA = r -> new Deployment.Replica(r.getUUID("id"),
      r.getUUID("version_id"), r.getInteger("version"), r.getUUID("agent_id"), r.getString("agent_name"),
      r.getString("state"), r.getString("reason"), r.getLong("memory_bytes"),
      r.getOffsetDateTime("quarantined_at") != null);

  /** Inserts the deployment; false when the model already has one. */
  public Future<Boolean> insert(SqlClient client, UUID id, UUID tenantId, UUID modelId, JsonObject runtime,
                                OffsetDateTime now) {
    return client.preparedQuery("""
            INSERT INTO deployments (id, tenant_id, model_id, runtime_options, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (model_id) DO NOTHING""")
        .execute(Tuple.of(id, tenantId, modelId, runtime, now))
        .map(rs -> rs.rowCount() == 1);
  }

  /** Replaces the deployment's targets; replicas of versions no longer targeted are removed by the scheduler. */
  public Future<Void> replaceTargets(SqlClient client, UUID deploymentId, List<Deployment.Target> targets,
                                     OffsetDateTime now) {
    List<Tuple> batch = new ArrayList<>();
    targets.forEach(t -> batch.add(Tuple.of(deploymentId, t.versionId(), t.weight(), t.replicas(), now)));
    return client.preparedQuery("DELETE FROM deployment_targets WHERE deployment_id = $1").execute(Tuple.of(deploymentId))
        .compose(x -> batch.isEmpty() ? Future.succeededFuture() : client.preparedQuery(
                "INSERT INTO deployment_targets (deployment_id, version_id, weight, replicas, created_at) "
                    + "VALUES ($1, $2, $3, $4, $5)")
            .executeBatch(batch))
        .mapEmpty();
  }

  public Future<Void> update(SqlClient client, UUID id, JsonObject runtime, JsonArray previousTargets,
                             OffsetDateTime now) {
    return client.preparedQuery("UPDATE deployments SET runtime_options = $2, previous_targets = $3, updated_at = $4 "
            + "WHERE id = $1")
        .execute(Tuple.of(id, runtime, previousTargets, now)).mapEmpty();
  }

  /**
   * Deletes the deployment (its replicas go with it) and bumps the generation of the agents that ran them: agents
   * unload a replica only when a newer generation leaves it out.
   */
  public Future<Void> delete(SqlClient client, UUID id) {
    return client.preparedQuery("""
            UPDATE agents SET generation = generation + 1
            WHERE id IN (SELECT agent_id FROM replicas WHERE deployment_id = $1 AND agent_id IS NOT NULL)""")
        .execute(Tuple.of(id))
        .compose(x -> client.preparedQuery("DELETE FROM deployments WHERE id = $1").execute(Tuple.of(id)))
        .mapEmpty();
  }

  /** The deployment locked for a change (serialises concurrent changes to one deployment). */
  public Future<Deployment> lock(SqlClient client, UUID tenantId, UUID id) {
    return client.preparedQuery(SELECT + " WHERE d.tenant_id = $1 AND d.id = $2 FOR UPDATE OF d").mapping(MAPPER)
        .execute(Tuple.of(tenantId, id))
        .compose(rs -> rs.iterator().hasNext() ? complete(client, rs.iterator().next()) : Future.succeededFuture());
  }

  public Future<Deployment> find(SqlClient client, UUID tenantId, UUID id) {
    return client.preparedQuery(SELECT + " WHERE d.tenant_id = $1 AND d.id = $2").mapping(MAPPER)
        .execute(Tuple.of(tenantId, id))
        .compose(rs -> rs.iterator().hasNext() ? complete(client, rs.iterator().next()) : Future.succeededFuture());
  }

  public Future<List<Deployment>> page(SqlClient client, UUID tenantId, int limit, OffsetDateTime afterCreated,
                                       UUID afterId) {
    String sql = afterId == null
        ? SELECT + " WHERE d.tenant_id = $1 ORDER BY d.created_at, d.id LIMIT $2"
        : SELECT + " WHERE d.tenant_id = $1 AND (d.created_at, d.id) > ($3, $4) ORDER BY d.created_at, d.id LIMIT $2";
    Tuple args = afterId == null ? Tuple.of(tenantId, limit) : Tuple.of(tenantId, limit, afterCreated, afterId);
    return client.preparedQuery(sql).mapping(MAPPER).execute(args).compose(rs -> {
      List<Future<Deployment>> all = new ArrayList<>();
      rs.forEach(d -> all.add(complete(client, d)));
      return Future.all(all).map(cf -> {
        List<Deployment> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          out.add(cf.resultAt(i));
        }
        return out;
      });
    });
  }

  /** Whether any deployment targets this version (a version in use cannot be deleted). */
  public Future<Boolean> versionInUse(SqlClient client, UUID versionId) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM deployment_targets WHERE version_id = $1) "
            + "OR EXISTS (SELECT 1 FROM replicas WHERE version_id = $1) AS used")
        .execute(Tuple.of(versionId)).map(rs -> rs.iterator().next().getBoolean("used"));
  }

  public Future<Boolean> modelDeployed(SqlClient client, UUID modelId) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM deployments WHERE model_id = $1) AS used")
        .execute(Tuple.of(modelId)).map(rs -> rs.iterator().next().getBoolean("used"));
  }

  /**
   * Clears the quarantine of the deployment's replicas and bumps their retry count (which lifts the agent's own
   * quarantine) and their agents' generation; yields the replicas lifted.
   */
  public Future<List<UUID>> liftQuarantine(SqlClient client, UUID deploymentId, OffsetDateTime now) {
    return client.preparedQuery("""
            UPDATE replicas SET quarantined_at = NULL, retry = retry + 1, state = 'ASSIGNED',
              reason = 'retry asked for after a quarantine', updated_at = $2
            WHERE deployment_id = $1 AND quarantined_at IS NOT NULL RETURNING id, agent_id""")
        .execute(Tuple.of(deploymentId, now))
        .compose(rs -> {
          List<UUID> ids = new ArrayList<>();
          List<UUID> agents = new ArrayList<>();
          rs.forEach(r -> {
            ids.add(r.getUUID("id"));
            if (r.getUUID("agent_id") != null) {
              agents.add(r.getUUID("agent_id"));
            }
          });
          return agents.isEmpty() ? Future.succeededFuture(ids) : client.preparedQuery(
                  "UPDATE agents SET generation = generation + 1 WHERE id = ANY($1)")
              .execute(Tuple.of(agents.toArray(UUID[]::new))).map(ids);
        });
  }

  private Future<Deployment> complete(SqlClient client, Deployment d) {
    Future<List<Deployment.Target>> targets = client.preparedQuery("""
            SELECT t.*, v.version FROM deployment_targets t JOIN model_versions v ON v.id = t.version_id
            WHERE t.deployment_id = $1 ORDER BY v.version""")
        .mapping(TARGET).execute(Tuple.of(d.id())).map(DeploymentRepository::list);
    Future<List<Deployment.Replica>> replicas = client.preparedQuery("""
            SELECT r.*, v.version, a.name AS agent_name FROM replicas r
            JOIN model_versions v ON v.id = r.version_id LEFT JOIN agents a ON a.id = r.agent_id
            WHERE r.deployment_id = $1 ORDER BY v.version, r.created_at, r.id""")
        .mapping(REPLICA).execute(Tuple.of(d.id())).map(DeploymentRepository::list);
    return Future.all(targets, replicas).map(x -> new Deployment(d.id(), d.tenantId(), d.modelId(), d.modelName(),
        d.runtimeOptions(), d.createdAt(), targets.result(), replicas.result(), d.previousTargets()));
  }

  private static <T> List<T> list(RowSet<T> rs) {
    List<T> out = new ArrayList<>();
    rs.forEach(out::add);
    return out;
  }
}
