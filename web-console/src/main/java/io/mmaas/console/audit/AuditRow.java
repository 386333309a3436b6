package io.mmaas.console.audit;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** One audit event as a table row; actor names, targets and details may come from tenants and are escaped. */
public record AuditRow(long seq, String occurredIso, String occurredText, String actorType, String actorName,
    String actorId, String tenant, String action, String targetType, String targetId, String outcome,
    String sourceIp, String requestId, String details) {

  static AuditRow of(JsonObject e, Map<String, String> tenantNames) {
    JsonObject actor = Json.object(e, "actor");
    JsonObject target = Json.object(e, "target");
    String tenantId = Json.text(e, "tenantId");
    String tenant = tenantId == null ? null : tenantNames.getOrDefault(tenantId, tenantId);
    JsonObject details = Json.object(e, "details");
    return new AuditRow(Json.number(e, "seq", 0), Json.text(e, "occurredAt"),
        Format.timeSeconds(Json.text(e, "occurredAt")), Json.text(actor, "type"), Json.text(actor, "name"),
        Json.text(actor, "id"), tenant, Json.text(e, "action"), Json.text(target, "type"), Json.text(target, "id"),
        Json.text(e, "outcome"), Json.text(e, "sourceIp"), Json.text(e, "requestId"),
        details.isEmpty() ? null : details.encode());
  }
}
