package io.mmaas.controlplane.agents;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A runtime agent: where it serves, what it can run, and until when its lease says it is alive. */
public record Agent(UUID id, String name, String servingUrl, JsonObject capabilities, String executionProvider,
                    long generation, OffsetDateTime leaseExpiresAt, OffsetDateTime lastHeartbeatAt,
                    OffsetDateTime enrolledAt, ServingKeyState servingKey) {

  /**
   * Which serving key the agent has: the newest generation issued (and the fingerprint of the serving secret that
   * derives it; null: the oldest configured one), and the one the agent confirmed holding, which gateways present.
   * A rotation is pending while the two differ.
   */
  public record ServingKeyState(int generation, String secret, int confirmed, String confirmedSecret,
                                OffsetDateTime rotatedAt, OffsetDateTime confirmedAt) {
    public boolean pending() {
      return generation != confirmed;
    }

    JsonObject toJson() {
      return new JsonObject().put("generation", generation).put("confirmedGeneration", confirmed)
          .put("pending", pending())
          .put("rotatedAt", rotatedAt == null ? null : rotatedAt.toInstant().toString())
          .put("confirmedAt", confirmedAt == null ? null : confirmedAt.toInstant().toString());
    }
  }

  public boolean liveAt(Instant now) {
    return leaseExpiresAt.toInstant().isAfter(now);
  }

  public JsonObject toJson(Instant now) {
    return new JsonObject().put("id", id.toString()).put("name", name).put("servingUrl", servingUrl)
        .put("capabilities", capabilities).put("executionProvider", executionProvider)
        .put("state", liveAt(now) ? "READY" : "OFFLINE").put("generation", generation)
        .put("leaseExpiresAt", leaseExpiresAt.toInstant().toString())
        .put("lastHeartbeatAt", lastHeartbeatAt == null ? null : lastHeartbeatAt.toInstant().toString())
        .put("enrolledAt", enrolledAt.toInstant().toString())
        .put("servingKey", servingKey.toJson());
  }
}
