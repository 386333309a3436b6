package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What a service says about one change or denied attempt: action (e.g. {@code tenant.create}), target, outcome and
 * before/after details. The writer adds who, where, when and the chain. Details never hold secrets.
 */
public record AuditRecord(String action, UUID tenantId, String targetType, String targetId, String outcome,
                          JsonObject details) {
  public static AuditRecord success(String action, UUID tenantId, String targetType, Object targetId, JsonObject details) {
    return new AuditRecord(action, tenantId, targetType, targetId == null ? null : targetId.toString(), "success", details);
  }

  public static AuditRecord failure(String action, UUID tenantId, String targetType, Object targetId, JsonObject details) {
    return new AuditRecord(action, tenantId, targetType, targetId == null ? null : targetId.toString(), "failure", details);
  }

  public static AuditRecord denied(String action, UUID tenantId, String targetType, Object targetId, JsonObject details) {
    return new AuditRecord(action, tenantId, targetType, targetId == null ? null : targetId.toString(), "denied", details);
  }
}
