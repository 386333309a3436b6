package io.mmaas.console.agents;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One agent of the fleet as the agents page shows it: health, last heartbeat, execution providers, memory as bars
 * (model memory its replicas report against the host's and the GPUs' capacity) and the replicas it runs.
 */
public record AgentRow(String id, String name, String state, String servingUrl, String heartbeatIso,
    String heartbeatAgo, String executionProvider, List<String> executionProviders, long cpus, Bar hostMemory,
    List<Bar> gpus, List<AgentReplica> replicas, boolean replicasKnown, String servingKey) {

  /** A capacity bar: {@code used} of {@code total} bytes, with the words to read next to it. */
  public record Bar(String label, long used, long total, String text) {
    static Bar of(String label, long used, long total) {
      return new Bar(label, used, Math.max(total, 0),
          total > 0 ? Format.bytes(used) + " of " + Format.bytes(total) : Format.bytes(used) + " (capacity unknown)");
    }
  }

  static AgentRow of(JsonObject a, List<AgentReplica> replicas, boolean replicasKnown, Instant now) {
    JsonObject caps = Json.object(a, "capabilities");
    long used = replicas.stream().mapToLong(AgentReplica::memoryBytes).sum();
    String ep = Json.text(a, "executionProvider");
    List<JsonObject> gpuJson = Json.objects(caps, "gpus");
    List<Bar> gpus = new java.util.ArrayList<>();
    for (int i = 0; i < gpuJson.size(); i++) {
      JsonObject g = gpuJson.get(i);
      long onThisGpu = i == 0 && "CUDA".equalsIgnoreCase(ep) ? used : 0;
      gpus.add(Bar.of("GPU " + i + " · " + Json.text(g, "name"), onThisGpu, Json.number(g, "memoryBytes", 0)));
    }
    long hostUsed = "CUDA".equalsIgnoreCase(ep) ? 0 : used;
    List<String> eps = Json.texts(caps, "executionProviders");
    return new AgentRow(Json.text(a, "id"), Json.text(a, "name"), Json.text(a, "state"), Json.text(a, "servingUrl"),
        Json.text(a, "lastHeartbeatAt"), Format.ago(Json.text(a, "lastHeartbeatAt"), now), ep,
        eps == null ? List.of() : eps, Json.number(caps, "cpus", 0),
        Bar.of("Host memory", hostUsed, Json.number(caps, "hostMemoryBytes", 0)), gpus, replicas, replicasKnown,
        servingKey(a));
  }

  /** "generation 2", or "generation 3 issued, 2 in use (rotation pending)"; null when the API says nothing. */
  private static String servingKey(JsonObject a) {
    if (!(a.getValue("servingKey") instanceof JsonObject key)) {
      return null;
    }
    long issued = Json.number(key, "generation", 0);
    long confirmed = Json.number(key, "confirmedGeneration", 0);
    return issued == confirmed ? "generation " + issued
        : "generation " + issued + " issued, " + confirmed + " in use (rotation pending)";
  }
}
