package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * What an auditor asks for: any of tenant, actor, action, target, outcome and a time range [from, to), plus the
 * seq bounds: {@code beforeSeq} is the keyset cursor of newest-first pages, {@code afterSeq} starts an export after
 * a checkpoint. Null means "any".
 */
public record AuditQuery(UUID tenantId, String actorId, String action, String targetType, String targetId,
                         String outcome, Instant from, Instant to, Long afterSeq, Long beforeSeq) {

  public static AuditQuery all() {
    return new AuditQuery(null, null, null, null, null, null, null, null, null, null);
  }

  public AuditQuery withTenant(UUID tenant) {
    return new AuditQuery(tenant, actorId, action, targetType, targetId, outcome, from, to, afterSeq, beforeSeq);
  }

  /** The older filter shape the access policy narrows (only its tenant is read back). */
  AuditRepository.Filter asFilter() {
    return new AuditRepository.Filter(tenantId, action, outcome, actorId, beforeSeq);
  }

  /** The filter as recorded in the audit event of the access itself. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    if (tenantId != null) {
      j.put("tenantId", tenantId.toString());
    }
    j.put("actorId", actorId).put("action", action).put("targetType", targetType).put("targetId", targetId)
        .put("outcome", outcome).put("from", from == null ? null : from.toString())
        .put("to", to == null ? null : to.toString()).put("afterSeq", afterSeq).put("beforeSeq", beforeSeq);
    j.fieldNames().removeIf(k -> j.getValue(k) == null);
    return j;
  }
}
