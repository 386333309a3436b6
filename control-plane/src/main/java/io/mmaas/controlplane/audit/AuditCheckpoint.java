package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A signed statement "at {@code createdAt} the chain's head was event {@code seq} with {@code hash}". A checkpoint
 * anchors everything up to its seq: a rewritten prefix no longer matches it, and a cut tail ends before it.
 */
public record AuditCheckpoint(long seq, String hash, Instant createdAt, String keyId, String signature) {

  /** The exact text that is signed. */
  public String signedText() {
    return signedText(seq, hash, createdAt);
  }

  static String signedText(long seq, String hash, Instant createdAt) {
    return "mmaas-audit-checkpoint:v1:" + seq + ":" + hash + ":" + createdAt;
  }

  public JsonObject toJson() {
    return new JsonObject().put("seq", seq).put("hash", hash).put("createdAt", createdAt.toString())
        .put("keyId", keyId).put("signature", signature);
  }

  public static AuditCheckpoint fromJson(JsonObject j) {
    return new AuditCheckpoint(j.getLong("seq"), j.getString("hash"), Instant.parse(j.getString("createdAt")),
        j.getString("keyId"), j.getString("signature"));
  }
}
