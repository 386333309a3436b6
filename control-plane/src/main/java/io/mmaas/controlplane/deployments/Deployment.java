package io.mmaas.controlplane.deployments;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A model served with a number of replicas of one version, and the replicas' observed state. */
public record Deployment(UUID id, UUID tenantId, UUID modelId, String modelName, UUID versionId, int version,
                         int desiredReplicas, JsonObject runtimeOptions, OffsetDateTime createdAt,
                         List<Replica> replicas) {

  /** One replica: where it is placed and what the agent last reported, with the reason when not READY. */
  public record Replica(UUID id, UUID agentId, String agentName, String state, String reason, Long memoryBytes) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString())
          .put("agent", agentId == null ? null : new JsonObject().put("id", agentId.toString()).put("name", agentName))
          .put("state", state).put("reason", reason).put("memoryBytes", memoryBytes);
    }
  }

  /** READY when every desired replica is READY, otherwise PROGRESSING (or FAILED when any replica failed). */
  public String state() {
    long ready = replicas.stream().filter(r -> "READY".equals(r.state())).count();
    if (ready >= desiredReplicas) {
      return "READY";
    }
    return replicas.stream().anyMatch(r -> "FAILED".equals(r.state())) ? "FAILED" : "PROGRESSING";
  }

  public JsonObject toJson() {
    JsonArray rs = new JsonArray();
    replicas.forEach(r -> rs.add(r.toJson()));
    return new JsonObject().put("id", id.toString()).put("model", modelName).put("version", version)
        .put("replicas", desiredReplicas).put("runtime", runtimeOptions)
        .put("state", state()).put("readyReplicas", replicas.stream().filter(r -> "READY".equals(r.state())).count())
        .put("replicaStatus", rs).put("createdAt", createdAt.toInstant().toString());
  }
}
