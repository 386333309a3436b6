package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** One stored audit event, as read back for listing, export and verification. */
public record AuditEvent(long seq, UUID id, Instant occurredAt, String actorType, String actorId, String actorName,
                         UUID tenantId, String action, String targetType, String targetId, String outcome,
                         String sourceIp, String userAgent, String requestId, String details, String prevHash,
                         String hash) {

  /** The exact text whose SHA-256 is {@link #hash}: every field but the hash itself, in a fixed order. */
  public String canonical() {
    return new JsonArray()
        .add(seq).add(id.toString()).add(occurredAt.toString()).add(actorType).add(actorId).add(actorName)
        .add(tenantId == null ? null : tenantId.toString()).add(action).add(targetType).add(targetId)
        .add(outcome).add(sourceIp).add(userAgent).add(requestId).add(details).add(prevHash)
        .encode();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("seq", seq).put("id", id.toString()).put("occurredAt", occurredAt.toString())
        .put("actor", new JsonObject().put("type", actorType).put("id", actorId).put("name", actorName))
        .put("tenantId", tenantId == null ? null : tenantId.toString())
        .put("action", action)
        .put("target", new JsonObject().put("type", targetType).put("id", targetId))
        .put("outcome", outcome).put("sourceIp", sourceIp).put("userAgent", userAgent)
        .put("requestId", requestId).put("details", new JsonObject(details))
        .put("prevHash", prevHash).put("hash", hash);
  }
}
