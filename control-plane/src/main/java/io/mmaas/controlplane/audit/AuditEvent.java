package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.http.Csv;
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

  /**
   * The exported form (one JSON Lines row): like {@link #toJson()} but {@code details} is the stored canonical text,
   * exactly what was hashed, so an offline verifier recomputes the hash without re-encoding anything.
   */
  public JsonObject toExportJson() {
    return toJson().put("details", details);
  }

  /** Reads a row written by {@link #toExportJson()}. */
  public static AuditEvent fromExportJson(JsonObject j) {
    JsonObject actor = j.getJsonObject("actor", new JsonObject());
    JsonObject target = j.getJsonObject("target", new JsonObject());
    String tenant = j.getString("tenantId");
    return new AuditEvent(j.getLong("seq"), UUID.fromString(j.getString("id")), Instant.parse(j.getString("occurredAt")),
        actor.getString("type"), actor.getString("id"), actor.getString("name"),
        tenant == null ? null : UUID.fromString(tenant), j.getString("action"), target.getString("type"),
        target.getString("id"), j.getString("outcome"), j.getString("sourceIp"), j.getString("userAgent"),
        j.getString("requestId"), j.getString("details"), j.getString("prevHash"), j.getString("hash"));
  }

  /** The CSV header matching {@link #toCsvRow()}. */
  public static final String CSV_HEADER = "seq,id,occurred_at,actor_type,actor_id,actor_name,tenant_id,action,"
      + "target_type,target_id,outcome,source_ip,user_agent,request_id,details,prev_hash,hash\r\n";

  /**
   * One RFC 4180 row. Cells that a spreadsheet would run as a formula (leading =, +, -, @, tab, CR) get a leading
   * apostrophe: CSV is for reading; JSON Lines is the form to verify.
   */
  public String toCsvRow() {
    StringBuilder b = new StringBuilder(512);
    Object[] cells = {seq, id, occurredAt, actorType, actorId, actorName, tenantId, action, targetType, targetId,
        outcome, sourceIp, userAgent, requestId, details, prevHash, hash};
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      if (cells[i] != null) {
        b.append(Csv.cell(cells[i].toString()));
      }
    }
    return b.append("\r\n").toString();
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
