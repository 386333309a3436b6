package io.mmaas.console.agents;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.CallContext;
import io.mmaas.console.api.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fleet: {@code GET /api/v1/agents}, and for platform admins the replicas each agent runs. The agents list
 * does not name an agent's replicas, so they are gathered from the deployments of the first {@value #MAX_TENANTS}
 * tenants (one call per tenant, in parallel) until the API reports them per agent.
 */
public final class FleetReader {
  static final int MAX_TENANTS = 200;

  private final AdminApiClient api;
  private final Clock clock;

  public FleetReader(AdminApiClient api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  /** The agents; replicas are looked up only when {@code withReplicas}. */
  public Future<List<AgentRow>> read(String token, boolean withReplicas, CallContext call) {
    Future<JsonObject> agents = api.get(token, ApiPath.of("agents"), Map.of(), call);
    Future<Map<String, List<AgentReplica>>> replicas = withReplicas ? replicas(token, call)
        : Future.succeededFuture(Map.of());
    return Future.all(agents, replicas).map(x -> {
      Map<String, List<AgentReplica>> byAgent = replicas.result();
      return Json.objects(agents.result(), "items").stream()
          .map(a -> AgentRow.of(a, byAgent.getOrDefault(Json.text(a, "id"), List.of()), withReplicas, clock.instant()))
          .toList();
    });
  }

  private Future<Map<String, List<AgentReplica>>> replicas(String token, CallContext call) {
    return api.get(token, ApiPath.of("tenants"), Map.of("limit", Integer.toString(MAX_TENANTS)), call)
        .compose(tenants -> {
          List<Future<Map.Entry<String, JsonObject>>> calls = new ArrayList<>();
          for (JsonObject t : Json.objects(tenants, "items")) {
            String name = Json.text(t, "name");
            calls.add(api.get(token, ApiPath.tenant(name, "deployments"), Map.of("limit", "200"), call)
                .map(d -> Map.entry(name, d)));
          }
          return Future.all(calls).map(all -> {
            Map<String, List<AgentReplica>> byAgent = new HashMap<>();
            for (Future<Map.Entry<String, JsonObject>> f : calls) {
              collect(f.result().getKey(), f.result().getValue(), byAgent);
            }
            return byAgent;
          });
        });
  }

  private static void collect(String tenant, JsonObject deployments, Map<String, List<AgentReplica>> byAgent) {
    for (JsonObject d : Json.objects(deployments, "items")) {
      for (JsonObject r : Json.objects(d, "replicaStatus")) {
        String agentId = Json.text(Json.object(r, "agent"), "id");
        if (agentId != null) {
          byAgent.computeIfAbsent(agentId, k -> new ArrayList<>()).add(new AgentReplica(tenant,
              Json.text(d, "model"), Json.number(d, "version", 0), Json.text(r, "state"), Json.text(r, "reason"),
              Json.number(r, "memoryBytes", 0)));
        }
      }
    }
  }
}
