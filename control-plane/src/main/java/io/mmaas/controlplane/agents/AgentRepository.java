package io.mmaas.controlplane.agents;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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

/** SQL for agents, enrollment tokens and the agent's view of its replicas. */
public final class AgentRepository {
  private static final Function<Row, Agent> MAPPER = r -> new Agent(r.getUUID("id"), r.getString("name"),
      r.getString("serving_url"), (JsonObject) r.getValue("capabilities"), r.getString("execution_provider"),
      r.getLong("generation"), r.getOffsetDateTime("lease_expires_at"), r.getOffsetDateTime("last_heartbeat_at"),
      r.getOffsetDateTime("enrolled_at"), new Agent.ServingKeyState(r.getInteger("serving_key_generation"),
          r.getString("serving_key_secret"), r.getInteger("serving_key_confirmed"),
          r.getString("serving_key_confirmed_secret"), r.getOffsetDateTime("serving_key_rotated_at"),
          r.getOffsetDateTime("serving_key_confirmed_at")));

  /** What an agent must run: a replica of a version, with where to fetch it and how to run it. */
  public record DesiredReplica(UUID replicaId, String modelName, int version, String sha256, long sizeBytes,
                               JsonObject runtime, String format, UUID tenantId, UUID deploymentId,
                               io.vertx.core.json.JsonArray warmUp, boolean quarantined, int retry) {
  }

  /** The outcome of a serving key rotation: the agent as it is now, and whether a new generation was issued. */
  public record Rotation(Agent agent, boolean rotated) {
  }

  /** A replica just quarantined, with what its audit event names. */
  public record Quarantined(UUID replicaId, UUID tenantId, UUID deploymentId, String model, int version,
                            String reason) {
  }

  public Future<Void> insertToken(SqlClient client, UUID id, String name, byte[] hash, OffsetDateTime expiresAt,
                                  boolean singleUse, UUID createdBy, OffsetDateTime now) {
    return client.preparedQuery("INSERT INTO enrollment_tokens (id, name, token_hash, expires_at, single_use, "
            + "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.from(new Object[] {id, name, Buffer.buffer(hash), expiresAt, singleUse, createdBy, now}))
        .mapEmpty();
  }

  /**
   * Disables (or, with null, enables) an agent; a disabled agent's lease ends now. Returns its name, or null when
   * there is no such agent.
   */
  public Future<String> setDisabled(SqlClient client, UUID id, OffsetDateTime disabledAt, OffsetDateTime now) {
    return client.preparedQuery("UPDATE agents SET disabled_at = $2, "
            + "lease_expires_at = CASE WHEN $2::timestamptz IS NULL THEN lease_expires_at ELSE least(lease_expires_at, $3) END "
            + "WHERE id = $1 RETURNING name")
        .execute(Tuple.of(id, disabledAt, now))
        .map(rs -> rs.iterator().hasNext() ? rs.iterator().next().getString("name") : null);
  }

  /** Frees the agent's replicas for placement elsewhere; returns their ids. */
  public Future<List<UUID>> releaseReplicas(SqlClient client, UUID agentId, String reason, OffsetDateTime now) {
    return client.preparedQuery("UPDATE replicas SET agent_id = NULL, state = 'PENDING', memory_bytes = NULL, "
            + "updated_at = $3, reason = $2 WHERE agent_id = $1 RETURNING id")
        .execute(Tuple.of(agentId, reason, now)).map(rs -> {
          List<UUID> ids = new java.util.ArrayList<>();
          rs.forEach(r -> ids.add(r.getUUID("id")));
          return ids;
        });
  }

  public Future<Boolean> delete(SqlClient client, UUID id) {
    return client.preparedQuery("DELETE FROM agents WHERE id = $1").execute(Tuple.of(id)).map(rs -> rs.rowCount() == 1);
  }

  /** Approves what the agent reports now as its capacity; returns its name and that, or null for no such agent. */
  public Future<JsonObject> approve(SqlClient client, UUID id) {
    return client.preparedQuery("UPDATE agents SET approved_capabilities = capabilities WHERE id = $1 "
            + "RETURNING name, approved_capabilities")
        .execute(Tuple.of(id)).map(rs -> rs.iterator().hasNext() ? new JsonObject()
            .put("name", rs.iterator().next().getString("name"))
            .put("capabilities", rs.iterator().next().getValue("approved_capabilities")) : null);
  }

  /** The ids of approved agents (for the fleet view). */
  public Future<java.util.Set<UUID>> approved(SqlClient client) {
    return client.query("SELECT id FROM agents WHERE approved_capabilities IS NOT NULL").execute().map(rs -> {
      java.util.Set<UUID> ids = new java.util.HashSet<>();
      rs.forEach(r -> ids.add(r.getUUID("id")));
      return ids;
    });
  }

  /** The ids of disabled agents (for the fleet view). */
  public Future<java.util.Set<UUID>> disabled(SqlClient client) {
    return client.query("SELECT id FROM agents WHERE disabled_at IS NOT NULL").execute().map(rs -> {
      java.util.Set<UUID> ids = new java.util.HashSet<>();
      rs.forEach(r -> ids.add(r.getUUID("id")));
      return ids;
    });
  }

  /**
   * Uses the enrollment token with this hash, if it may still be used: its id, or null. One statement, so a
   * single-use token enrols exactly one agent however many try at once.
   */
  public Future<UUID> useToken(SqlClient client, byte[] hash, OffsetDateTime now) {
    return client.preparedQuery("UPDATE enrollment_tokens SET last_used_at = $2 WHERE token_hash = $1 "
            + "AND revoked_at IS NULL AND expires_at > $2 AND NOT (single_use AND last_used_at IS NOT NULL) RETURNING id")
        .execute(Tuple.of(Buffer.buffer(hash), now))
        .map(rs -> rs.iterator().hasNext() ? rs.iterator().next().getUUID("id") : null);
  }

  /** A new agent, holding serving key generation 0 under the serving secret {@code secretId}. */
  public Future<Void> insert(SqlClient client, UUID id, String name, String servingUrl, byte[] credentialHash,
                             JsonObject capabilities, OffsetDateTime leaseExpiresAt, OffsetDateTime now,
                             String secretId) {
    return client.preparedQuery("""
            INSERT INTO agents (id, name, serving_url, credential_hash, capabilities, lease_expires_at, enrolled_at,
                                serving_key_secret, serving_key_confirmed_secret)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)""")
        .execute(Tuple.from(new Object[] {id, name, servingUrl, Buffer.buffer(credentialHash), capabilities,
            leaseExpiresAt, now, secretId}))
        .mapEmpty();
  }

  /**
   * Issues the agent's next serving key generation under the serving secret {@code secretId}, unless a rotation is
   * still pending (the agent has not confirmed the last one). Returns the agent as it is now (with the new
   * generation when it rotated) and whether it rotated, or null when there is no such agent.
   */
  public Future<Rotation> rotateServingKey(SqlClient client, UUID id, String secretId, OffsetDateTime now) {
    return client.preparedQuery("""
            WITH rotated AS (
              UPDATE agents SET serving_key_generation = serving_key_generation + 1, serving_key_secret = $2,
                serving_key_rotated_at = $3
              WHERE id = $1 AND serving_key_generation = serving_key_confirmed RETURNING *)
            SELECT *, true AS rotated FROM rotated
            UNION ALL SELECT *, false AS rotated FROM agents WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM rotated)""")
        .mapping(r -> new Rotation(MAPPER.apply(r), r.getBoolean("rotated"))).execute(Tuple.of(id, secretId, now))
        .map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }

  /** Records that the agent holds its newest serving key: gateways present it from now on. */
  public Future<Boolean> confirmServingKey(SqlClient client, UUID id, int generation, OffsetDateTime now) {
    return client.preparedQuery("""
            UPDATE agents SET serving_key_confirmed = serving_key_generation,
              serving_key_confirmed_secret = serving_key_secret, serving_key_confirmed_at = $3
            WHERE id = $1 AND serving_key_generation = $2 AND serving_key_confirmed <> $2""")
        .execute(Tuple.of(id, generation, now)).map(rs -> rs.rowCount() == 1);
  }

  public Future<Agent> findByCredential(SqlClient client, byte[] credentialHash) {
    return one(client.preparedQuery("SELECT * FROM agents WHERE credential_hash = $1 AND disabled_at IS NULL").mapping(MAPPER)
        .execute(Tuple.of(Buffer.buffer(credentialHash))));
  }

  public Future<Agent> renewLease(SqlClient client, UUID id, String servingUrl, JsonObject capabilities,
                                  String executionProvider, OffsetDateTime leaseExpiresAt, OffsetDateTime now) {
    return one(client.preparedQuery("""
            UPDATE agents SET serving_url = $2, capabilities = $3, execution_provider = $4, lease_expires_at = $5,
              last_heartbeat_at = $6 WHERE id = $1 RETURNING *""")
        .mapping(MAPPER)
        .execute(Tuple.of(id, servingUrl, capabilities, executionProvider, leaseExpiresAt, now)));
  }

  /** Records what the agent reports for a replica it has been given; reports about other replicas are ignored. */
  public Future<Integer> reportReplicas(SqlClient client, UUID agentId, List<Tuple> reports) {
    if (reports.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return client.preparedQuery("""
            UPDATE replicas SET state = $3, reason = $4, memory_bytes = $5, updated_at = $6, serving_url = $7
            WHERE id = $1 AND agent_id = $2
              AND (state, coalesce(reason, ''), coalesce(memory_bytes, -1), coalesce(serving_url, ''))
              IS DISTINCT FROM ($3, coalesce($4, ''), coalesce($5, -1), coalesce($7, ''))""")
        .executeBatch(reports).map(rs -> {
          int changed = 0;
          for (var r = rs; r != null; r = r.next()) {
            changed += r.rowCount();
          }
          return changed;
        });
  }

  public Future<List<DesiredReplica>> desiredFor(SqlClient client, UUID agentId) {
    return client.preparedQuery("""
            SELECT r.id, m.name AS model_name, v.version, v.sha256, v.size_bytes, d.runtime_options, v.format,
                   d.tenant_id, d.id AS deployment_id, v.warmup_samples, r.quarantined_at IS NOT NULL AS quarantined,
                   r.retry
            FROM replicas r JOIN deployments d ON d.id = r.deployment_id
            JOIN model_versions v ON v.id = r.version_id JOIN models m ON m.id = d.model_id
            WHERE r.agent_id = $1 ORDER BY r.id""")
        .execute(Tuple.of(agentId))
        .map(rs -> {
          List<DesiredReplica> out = new ArrayList<>();
          rs.forEach(r -> out.add(new DesiredReplica(r.getUUID("id"), r.getString("model_name"),
              r.getInteger("version"), r.getString("sha256"), r.getLong("size_bytes"),
              (JsonObject) r.getValue("runtime_options"), r.getString("format"), r.getUUID("tenant_id"),
              r.getUUID("deployment_id"), (io.vertx.core.json.JsonArray) r.getValue("warmup_samples"),
              r.getBoolean("quarantined"), r.getInteger("retry"))));
          return out;
        });
  }

  /**
   * Marks replicas quarantined (those of this agent not quarantined yet, reported under their current retry count, so
   * a report sent before an admin's retry cannot undo it); yields the ones it marked.
   */
  public Future<List<Quarantined>> quarantine(SqlClient client, List<Tuple> quarantines) {
    return client.preparedQuery("""
            UPDATE replicas r SET quarantined_at = $3, state = 'FAILED', reason = $4, serving_url = NULL,
              updated_at = $3
            FROM deployments d JOIN models m ON m.id = d.model_id, model_versions v
            WHERE r.id = $1 AND r.agent_id = $2 AND r.quarantined_at IS NULL AND r.retry = $5
              AND d.id = r.deployment_id
              AND v.id = r.version_id
            RETURNING r.id, d.tenant_id, d.id AS deployment_id, m.name AS model, v.version, r.reason""")
        .executeBatch(quarantines).map(rs -> {
          List<Quarantined> out = new ArrayList<>();
          for (RowSet<Row> r = rs; r != null; r = r.next()) {
            r.forEach(row -> out.add(new Quarantined(row.getUUID("id"), row.getUUID("tenant_id"),
                row.getUUID("deployment_id"), row.getString("model"), row.getInteger("version"),
                row.getString("reason"))));
          }
          return out;
        });
  }

  /** Whether the agent has been given a replica of this artifact (agents fetch only what they must run). */
  public Future<Boolean> assignedArtifact(SqlClient client, UUID agentId, String sha256) {
    return client.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM replicas r JOIN model_versions v ON v.id = r.version_id
                           WHERE r.agent_id = $1 AND v.sha256 = $2) AS assigned""")
        .execute(Tuple.of(agentId, sha256)).map(rs -> rs.iterator().next().getBoolean("assigned"));
  }

  public Future<List<JsonObject>> tokens(SqlClient client) {
    return client.query("SELECT id, name, expires_at, revoked_at, created_at, single_use, last_used_at FROM enrollment_tokens "
            + "ORDER BY created_at DESC LIMIT 200").execute()
        .map(rs -> {
          List<JsonObject> out = new ArrayList<>();
          rs.forEach(r -> out.add(new JsonObject().put("id", r.getUUID("id").toString()).put("name", r.getString("name"))
              .put("expiresAt", r.getOffsetDateTime("expires_at").toInstant().toString())
              .put("revokedAt", r.getOffsetDateTime("revoked_at") == null ? null
                  : r.getOffsetDateTime("revoked_at").toInstant().toString())
              .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
              .put("singleUse", r.getBoolean("single_use"))
              .put("lastUsedAt", r.getOffsetDateTime("last_used_at") == null ? null
                  : r.getOffsetDateTime("last_used_at").toInstant().toString())));
          return out;
        });
  }

  /** Revokes an enrollment token; false when there is no such open token. */
  public Future<Boolean> revokeToken(SqlClient client, UUID id, OffsetDateTime now) {
    return client.preparedQuery("UPDATE enrollment_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(id, now)).map(rs -> rs.rowCount() == 1);
  }

  /** Every placed replica, by agent id, for the fleet view. */
  public Future<java.util.Map<UUID, io.vertx.core.json.JsonArray>> replicasByAgent(SqlClient client) {
    return client.query("SELECT r.agent_id, r.id, t.name AS tenant, m.name AS model, v.version, r.state, r.reason, "
            + "r.memory_bytes, r.serving_url, r.quarantined_at FROM replicas r JOIN deployments d ON d.id = r.deployment_id "
            + "JOIN models m ON m.id = d.model_id JOIN model_versions v ON v.id = r.version_id "
            + "JOIN tenants t ON t.id = d.tenant_id WHERE r.agent_id IS NOT NULL ORDER BY t.name, m.name, v.version")
        .execute()
        .map(rs -> {
          java.util.Map<UUID, io.vertx.core.json.JsonArray> out = new java.util.HashMap<>();
          rs.forEach(r -> out.computeIfAbsent(r.getUUID("agent_id"), k -> new io.vertx.core.json.JsonArray())
              .add(new JsonObject().put("id", r.getUUID("id").toString()).put("tenant", r.getString("tenant"))
                  .put("model", r.getString("model")).put("version", r.getInteger("version"))
                  .put("state", r.getString("state")).put("reason", r.getString("reason"))
                  .put("memoryBytes", r.getLong("memory_bytes")).put("servingUrl", r.getString("serving_url"))
                  .put("quarantined", r.getOffsetDateTime("quarantined_at") != null)));
          return out;
        });
  }

  public Future<List<Agent>> all(SqlClient client) {
    return client.query("SELECT * FROM agents ORDER BY enrolled_at, id").mapping(MAPPER).execute().map(rs -> {
      List<Agent> out = new ArrayList<>();
      rs.forEach(out::add);
      return out;
    });
  }

  private static <T> Future<T> one(Future<RowSet<T>> rows) {
    return rows.map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }
}
