package io.mmaas.controlplane.keys;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A tenant's application API key as stored: a hash of the secret, never the secret. */
public record ApiKey(UUID id, UUID tenantId, String keyId, String name, String prefix, byte[] secretHash,
                     List<String> scopes, List<String> modelAllowList, OffsetDateTime expiresAt,
                     OffsetDateTime revokedAt, OffsetDateTime lastUsedAt, OffsetDateTime createdAt,
                     Integer rateLimitRps, Integer rateLimitBurst, Integer maxConcurrent) {
  public static final String SCOPE_INFER = "infer";
  public static final String SCOPE_METADATA = "metadata";
  public static final List<String> ALL_SCOPES = List.of(SCOPE_INFER, SCOPE_METADATA);

  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.toInstant().isAfter(now));
  }

  /** The listing form: id, name, prefix, scopes and times; never the hash. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("prefix", prefix)
        .put("scopes", new JsonArray(scopes))
        .put("models", modelAllowList == null ? null : new JsonArray(modelAllowList))
        .put("createdAt", createdAt.toInstant().toString())
        .put("expiresAt", expiresAt == null ? null : expiresAt.toInstant().toString())
        .put("revokedAt", revokedAt == null ? null : revokedAt.toInstant().toString())
        .put("lastUsedAt", lastUsedAt == null ? null : lastUsedAt.toInstant().toString())
        .put("limits", rateLimitRps == null && maxConcurrent == null ? null : new JsonObject()
            .put("requestsPerSecond", rateLimitRps).put("burst", rateLimitBurst).put("concurrentRequests", maxConcurrent));
  }
}
