package io.mmaas.controlplane.quotas;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A tenant's limits, set by platform admins: data-plane rates and resource ceilings. */
public record Quota(UUID tenantId, int requestsPerSecond, int burst, long requestsPerDay, int concurrentRequests,
                    int maxModels, long maxStorageBytes, int maxReplicas, long maxGpuMemoryBytes) {

  public JsonObject toJson() {
    return new JsonObject().put("requestsPerSecond", requestsPerSecond).put("burst", burst)
        .put("requestsPerDay", requestsPerDay).put("concurrentRequests", concurrentRequests)
        .put("maxModels", maxModels).put("maxStorageBytes", maxStorageBytes).put("maxReplicas", maxReplicas)
        .put("maxGpuMemoryBytes", maxGpuMemoryBytes);
  }

  /** This quota with the fields present in {@code patch} replaced (values already validated). */
  public Quota with(JsonObject patch) {
    return new Quota(tenantId,
        patch.getInteger("requestsPerSecond", requestsPerSecond), patch.getInteger("burst", burst),
        patch.getLong("requestsPerDay", requestsPerDay), patch.getInteger("concurrentRequests", concurrentRequests),
        patch.getInteger("maxModels", maxModels), patch.getLong("maxStorageBytes", maxStorageBytes),
        patch.getInteger("maxReplicas", maxReplicas), patch.getLong("maxGpuMemoryBytes", maxGpuMemoryBytes));
  }
}
