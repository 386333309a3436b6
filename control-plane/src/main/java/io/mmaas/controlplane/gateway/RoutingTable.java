package io.mmaas.controlplane.gateway;

import io.mmaas.controlplane.agents.AgentSecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's in-memory view of what is deployed: per tenant and model name, the served version's signature and
 * the READY replicas with their agent's address and lease. Refreshed from PostgreSQL about once a second and kept as
 * it was when PostgreSQL is unreachable, so the data plane goes on serving what is deployed.
 */
public final class RoutingTable {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

  /** A READY replica and how to reach it. */
  public record Endpoint(UUID replicaId, UUID agentId, String agentUrl, String servingKey, Instant leaseExpiresAt) {
  }

  /** A deployed model as the data plane sees it. */
  public record Route(UUID tenantId, String model, UUID modelId, UUID versionId, int version, JsonArray inputs,
                      JsonArray outputs, List<Endpoint> endpoints, AtomicInteger next) {
    /** READY endpoints whose agent still holds its lease, starting at a rotating position (round robin). */
    public List<Endpoint> live(Instant now) {
      List<Endpoint> live = new ArrayList<>(endpoints.size());
      int start = endpoints.isEmpty() ? 0 : Math.floorMod(next.getAndIncrement(), endpoints.size());
      for (int i = 0; i < endpoints.size(); i++) {
        Endpoint e = endpoints.get((start + i) % endpoints.size());
        if (e.leaseExpiresAt().isAfter(now)) {
          live.add(e);
        }
      }
      return live;
    }
  }

  private final Pool pool;
  private final AgentSecrets secrets;
  private volatile Map<UUID, Map<String, Route>> routes;

  public RoutingTable(Pool pool, AgentSecrets secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  public boolean loaded() {
    return routes != null;
  }

  public Route find(UUID tenantId, String model) {
    Map<UUID, Map<String, Route>> snapshot = routes;
    if (snapshot == null) {
      return null;
    }
    Map<String, Route> byName = snapshot.get(tenantId);
    return byName == null ? null : byName.get(model);
  }

  public Future<Void> refresh() {
    return pool.query("""
            SELECT d.tenant_id, m.name AS model, m.id AS model_id, v.id AS version_id, v.version, v.inputs, v.outputs,
                   r.id AS replica_id, a.id AS agent_id, a.serving_url, a.lease_expires_at
            FROM deployments d
            JOIN models m ON m.id = d.model_id
            JOIN model_versions v ON v.id = d.version_id
            LEFT JOIN replicas r ON r.deployment_id = d.id AND r.state = 'READY' AND r.agent_id IS NOT NULL
            LEFT JOIN agents a ON a.id = r.agent_id""").execute()
        .map(rs -> {
          Map<UUID, Map<String, Route>> fresh = new HashMap<>();
          for (Row r : rs) {
            UUID tenant = r.getUUID("tenant_id");
            String model = r.getString("model");
            Route previous = find(tenant, model);
            Route route = fresh.computeIfAbsent(tenant, t -> new HashMap<>()).computeIfAbsent(model,
                m -> new Route(tenant, model, r.getUUID("model_id"), r.getUUID("version_id"), r.getInteger("version"),
                    array(r, "inputs"), array(r, "outputs"),
                    new ArrayList<>(), previous == null ? new AtomicInteger() : previous.next()));
            if (r.getUUID("replica_id") != null) {
              UUID agentId = r.getUUID("agent_id");
              route.endpoints().add(new Endpoint(r.getUUID("replica_id"), agentId, r.getString("serving_url"),
                  secrets.servingKey(agentId), r.getOffsetDateTime("lease_expires_at").toInstant()));
            }
          }
          routes = fresh;
          return (Void) null;
        })
        .onFailure(e -> LOG.warn("routing refresh failed; serving the last known routes: {}", e.getMessage()));
  }

  private static JsonArray array(Row r, String column) {
    Object v = r.getValue(column);
    return v instanceof JsonArray a ? a : new JsonArray(String.valueOf(v));
  }
}
