package io.mmaas.agent.controlplane;

import io.mmaas.agent.artifacts.ArtifactRef;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.sync.DesiredReplica;
import io.mmaas.agent.sync.DesiredState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** JSON of the agent API, both directions. Parsing fails with {@link IllegalArgumentException} naming the field. */
final class AgentApiJson {
  static final Duration MIN_INTERVAL = Duration.ofMillis(200);
  static final Duration MAX_INTERVAL = Duration.ofMinutes(5);

  private AgentApiJson() {}

  static JsonObject enrollRequest(String token, String name, String servingUrl, Capabilities capabilities) {
    return new JsonObject()
        .put("token", token)
        .put("name", name)
        .put("servingUrl", servingUrl)
        .put("capabilities", capabilities(capabilities));
  }

  /** The identity in an enrollment answer or the identity file (files before key rotation lack the last two). */
  static AgentIdentity identity(JsonObject body) {
    Object generation = body.getValue("servingKeyGeneration");
    Object previous = body.getValue("previousServingKey");
    return new AgentIdentity(text(body, "agentId"), text(body, "credential"), text(body, "servingKey"),
        generation instanceof Number n ? n.intValue() : 0, previous instanceof String p ? p : null);
  }

  static JsonObject identityFile(AgentIdentity identity) {
    return new JsonObject()
        .put("agentId", identity.agentId())
        .put("credential", identity.credential())
        .put("servingKey", identity.servingKey())
        .put("servingKeyGeneration", identity.servingKeyGeneration())
        .put("previousServingKey", identity.previousServingKey());
  }

  /** The serving key part of a heartbeat answer, or null when the control plane sends none (before rotation). */
  static ServingKeyOffer servingKeyOffer(JsonObject body) {
    if (!(body.getValue("servingKey") instanceof JsonObject key)) {
      return null;
    }
    int generation = number(key, "generation").intValue();
    if (generation < 0) {
      throw new IllegalArgumentException("servingKey.generation must not be negative");
    }
    Object text = key.getValue("key");
    if (text != null && !(text instanceof String s && !s.isBlank())) {
      throw new IllegalArgumentException("servingKey.key must be a non-empty string");
    }
    long overlap = key.getValue("overlapMillis") instanceof Number n ? n.longValue() : 20_000L;
    return new ServingKeyOffer(generation, (String) text,
        Duration.ofMillis(Math.max(0, Math.min(overlap, Duration.ofDays(1).toMillis()))));
  }

  static JsonObject heartbeat(HeartbeatReport report) {
    JsonArray replicas = new JsonArray();
    for (ReplicaStatus status : report.replicas()) {
      replicas.add(new JsonObject()
          .put("replicaId", status.replicaId())
          .put("state", status.state().name())
          .put("reason", status.reason())
          .put("memoryBytes", status.memoryBytes())
          .put("servingUrl", status.servingUrl())
          .put("quarantined", status.quarantined())
          .put("retry", status.retry()));
    }
    return new JsonObject()
        .put("agentId", report.agentId())
        .put("servingUrl", report.servingUrl())
        .put("generation", report.generation())
        .put("executionProvider", report.executionProvider())
        .put("capabilities", capabilities(report.capabilities()))
        .put("servingKeyGeneration", report.servingKeyGeneration())
        .put("replicas", replicas);
  }

  private static JsonObject capabilities(Capabilities capabilities) {
    JsonArray gpus = new JsonArray();
    capabilities.gpus().forEach(g -> gpus.add(new JsonObject().put("name", g.name()).put("memoryBytes", g.memoryBytes())));
    return new JsonObject()
        .put("executionProviders", new JsonArray(capabilities.executionProviders()))
        .put("cpus", capabilities.cpus())
        .put("hostMemoryBytes", capabilities.hostMemoryBytes())
        .put("modelHosts", new JsonObject(new java.util.HashMap<>(capabilities.modelHosts())))
        .put("gpus", gpus);
  }

  static DesiredState desiredState(JsonObject body) {
    long generation = number(body, "generation").longValue();
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative");
    }
    Duration interval = Duration.ofSeconds(2);
    if (body.getValue("heartbeatIntervalSeconds") instanceof Number seconds) {
      interval = Duration.ofMillis(Math.round(seconds.doubleValue() * 1000));
    }
    interval = interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : interval;
    JsonArray items = body.getValue("replicas") instanceof JsonArray array ? array : new JsonArray();
    List<DesiredReplica> replicas = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw new IllegalArgumentException("replicas[" + i + "] is not an object");
      }
      try {
        replicas.add(replica(item));
      } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
        throw new IllegalArgumentException("replicas[" + i + "]: " + e.getMessage(), e);
      }
    }
    return new DesiredState(generation, interval, replicas);
  }

  private static DesiredReplica replica(JsonObject item) {
    ArtifactRef artifact = new ArtifactRef(
        text(item, "sha256"), number(item, "sizeBytes").longValue(), text(item, "artifactUrl"),
        "onnx-archive".equals(item.getString("format")));
    RuntimeOptions runtime = RuntimeOptions.DEFAULT;
    if (item.getValue("runtime") instanceof JsonObject options) {
      int maxBatchSize = options.getInteger("maxBatchSize", 1);
      runtime = new RuntimeOptions(
          options.getInteger("intraOpThreads", RuntimeOptions.DEFAULT.intraOpThreads()),
          options.getInteger("interOpThreads", RuntimeOptions.DEFAULT.interOpThreads()),
          maxBatchSize,
          options.getLong("maxQueueDelayMicros",
              maxBatchSize > 1 ? RuntimeOptions.DEFAULT_QUEUE_DELAY_MICROS : 0L));
    }
    return new DesiredReplica(
        text(item, "replicaId"), text(item, "modelName"), number(item, "version").longValue(), artifact, runtime,
        item.getString("tenantId"), item.getString("deploymentId"),
        item.getValue("warmUp") instanceof JsonArray samples ? samples : new JsonArray(),
        Boolean.TRUE.equals(item.getValue("quarantined")),
        item.getValue("retry") instanceof Number retry ? retry.intValue() : 0);
  }

  private static String text(JsonObject object, String field) {
    if (object.getValue(field) instanceof String value && !value.isBlank()) {
      return value;
    }
    throw new IllegalArgumentException(field + " must be a non-empty string");
  }

  private static Number number(JsonObject object, String field) {
    if (object.getValue(field) instanceof Number value) {
      return value;
    }
    throw new IllegalArgumentException(field + " must be a number");
  }
}
