package io.mmaas.agent.modelhost;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What the agent tells a host when it starts it: where to listen, the serving key the gateway presents, and the
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
    String servingKey,
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
    Objects.requireNonNull(servingKey, "servingKey");
    Objects.requireNonNull(executionProvider, "executionProvider");
    Objects.requireNonNull(recorderFile, "recorderFile");
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("host", host).put("port", port).put("servingKey", servingKey)
        .put("maxBodyBytes", maxBodyBytes).put("inferThreads", inferThreads).put("maxPending", maxPending)
        .put("eventLoops", eventLoops).put("maxInferMillis", maxInferMillis)
        .put("executionProvider", executionProvider.name()).put("recorderFile", recorderFile)
        .put("threadBudget", threadBudget);
  }

  public static HostSettings fromJson(JsonObject json) {
    return new HostSettings(json.getString("name"), json.getString("host"), json.getInteger("port"),
        json.getString("servingKey"), json.getLong("maxBodyBytes"), json.getInteger("inferThreads"),
        json.getInteger("maxPending"), json.getInteger("eventLoops"), json.getLong("maxInferMillis"),
        ExecutionProviderPreference.parse(json.getString("executionProvider")), json.getString("recorderFile"),
        json.getInteger("threadBudget"));
  }

  @Override
  public String toString() {
    return "HostSettings[name=" + name + ", host=" + host + ", port=" + port + ", servingKey=****, maxBodyBytes="
        + maxBodyBytes + ", inferThreads=" + inferThreads + ", maxPending=" + maxPending + ", eventLoops="
        + eventLoops + ", maxInferMillis=" + maxInferMillis + ", executionProvider=" + executionProvider
        + ", threadBudget=" + threadBudget + "]";
  }
}
