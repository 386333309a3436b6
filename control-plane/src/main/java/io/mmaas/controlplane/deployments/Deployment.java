package io.mmaas.controlplane.deployments;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A model served by one or more versions ("targets"), each with a traffic weight and a replica count, plus the
 * replicas' observed state. A canary is a second target with a small weight.
 */
public record Deployment(UUID id, UUID tenantId, UUID modelId, String modelName, JsonObject runtimeOptions,
                         OffsetDateTime createdAt, List<Target> targets, List<Replica> replicas,
                         JsonArray previousTargets) {

  /** A version this deployment runs, its share of traffic (0-100) and how many replicas it wants. */
  public record Target(UUID versionId, int version, int weight, int replicas) {
    public JsonObject toJson() {
      return new JsonObject().put("version", version).put("weight", weight).put("replicas", replicas);
    }
  }

  /** One replica: which version, where it is placed, what the agent last reported, and why it is not READY. */
  public record Replica(UUID id, UUID versionId, int version, UUID agentId, String agentName, String state,
                        String reason, Long memoryBytes, boolean quarantined) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("version", version)
          .put("agent", agentId == null ? null : new JsonObject().put("id", agentId.toString()).put("name", agentName))
          .put("state", state).put("reason", reason).put("memoryBytes", memoryBytes).put("quarantined", quarantined);
    }
  }

  public int totalReplicas() {
    return targets.stream().mapToInt(Target::replicas).sum();
  }

  long ready(UUID versionId) {
    return replicas.stream().filter(r -> r.versionId().equals(versionId) && "READY".equals(r.state())).count();
  }

  /**
   * READY when every target with traffic has all its replicas READY; FAILED when a replica failed to load (traffic
   * stays on what is READY); otherwise PROGRESSING.
   */
  public String state() {
    if (replicas.stream().anyMatch(r -> "FAILED".equals(r.state()))) {
      return "FAILED";
    }
    boolean ready = targets.stream().filter(t -> t.weight() > 0).allMatch(t -> ready(t.versionId()) >= t.replicas());
    return ready ? "READY" : "PROGRESSING";
  }

  public JsonObject toJson() {
    JsonArray ts = new JsonArray();
    targets.forEach(t -> ts.add(t.toJson().put("readyReplicas", ready(t.versionId()))));
    JsonArray rs = new JsonArray();
    replicas.forEach(r -> rs.add(r.toJson()));
    Set<String> reasons = new LinkedHashSet<>();
    replicas.stream().filter(r -> !"READY".equals(r.state()) && r.reason() != null)
        .forEach(r -> reasons.add("v" + r.version() + ": " + r.reason()));
    Target main = targets.stream().max(java.util.Comparator.comparingInt(Target::weight)).orElse(null);
    return new JsonObject().put("id", id.toString()).put("model", modelName)
        .put("version", main == null ? null : main.version()).put("replicas", totalReplicas())
        .put("targets", ts).put("runtime", runtimeOptions).put("state", state())
        .put("readyReplicas", replicas.stream().filter(r -> "READY".equals(r.state())).count())
        .put("reasons", new JsonArray(List.copyOf(reasons)))
        .put("replicaStatus", rs).put("canRollback", previousTargets != null)
        .put("quarantinedReplicas", replicas.stream().filter(Replica::quarantined).count())
        .put("createdAt", createdAt.toInstant().toString());
  }
}
