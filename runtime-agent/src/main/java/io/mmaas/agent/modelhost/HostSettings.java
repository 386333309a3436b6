package io.mmaas.agent.modelhost;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What the agent tells a host when it starts it: where to listen, the serving keys the gateway may present (the
 * current one first; two while a rotation overlaps; later changes come as {@code keys} commands), and the
 * serving limits. Sent as the {@code start} command, never in the environment or the command line (other users can
 * read those in {@code /proc}).
 *
 * @param name the host's name (its isolation key), in logs and metrics
 * @param port 0 for an ephemeral port
 * @param recorderFile the {@link FlightRecorder} file the host writes
 * @param threadBudget the most threads one session may use for an operator; a replica asking for more gets this
 */
public record HostSettings(
    String name,
    String host,
    int port,
    java.util.List<String> servingKeys,
    long maxBodyBytes,
    int inferThreads,
    int maxPending,
    int eventLoops,
    long maxInferMillis,
    ExecutionProviderPreference executionProvider,
    String recorderFile,
    int threadBudget) {
  public HostSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    servingKeys = java.util.List.copyOf(Objects.requireNonNull(servingKeys, "servingKeys"));
    if (servingKeys.isEmpty()) {
      throw new IllegalArgumentException("servingKeys must not be empty");
    }
    Objects.requireNonNull(executionProvider, "executionProvider");
    Objects.requireNonNull(recorderFile, "recorderFile");
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("host", host).put("port", port).put("servingKeys", new io.vertx.core.json.JsonArray(servingKeys))
        .put("maxBodyBytes", maxBodyBytes).put("inferThreads", inferThreads).put("maxPending", maxPending)
        .put("eventLoops", eventLoops).put("maxInferMillis", maxInferMillis)
        .put("executionProvider", executionProvider.name()).put("recorderFile", recorderFile)
        .put("threadBudget", threadBudget);
  }

  public static HostSettings fromJson(JsonObject json) {
    return new HostSettings(json.getString("name"), json.getString("host"), json.getInteger("port"),
        HostProtocol.keys(json.getJsonArray("servingKeys")), json.getLong("maxBodyBytes"), json.getInteger("inferThreads"),
        json.getInteger("maxPending"), json.getInteger("eventLoops"), json.getLong("maxInferMillis"),
        ExecutionProviderPreference.parse(json.getString("executionProvider")), json.getString("recorderFile"),
        json.getInteger("threadBudget"));
  }

  @Override
  public String toString() {
    return "HostSettings[name=" + name + ", host=" + host + ", port=" + port + ", servingKeys=" + servingKeys.size() + "×****, maxBodyBytes="
        + maxBodyBytes + ", inferThreads=" + inferThreads + ", maxPending=" + maxPending + ", eventLoops="
        + eventLoops + ", maxInferMillis=" + maxInferMillis + ", executionProvider=" + executionProvider
        + ", threadBudget=" + threadBudget + "]";
  }
}
