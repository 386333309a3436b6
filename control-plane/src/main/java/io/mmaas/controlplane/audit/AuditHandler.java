package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Audit log routes: filtered keyset pages ({@code ?before=<seq>}) and chain verification. */
public final class AuditHandler {
  private final AuditService audit;

  public AuditHandler(AuditService audit) {
    this.audit = audit;
  }

  public void list(RoutingContext ctx) {
    int limit = Pages.from(ctx).limit();
    var p = ctx.request();
    UUID tenant;
    Long before;
    try {
      tenant = p.getParam("tenantId") == null ? null : UUID.fromString(p.getParam("tenantId"));
      before = p.getParam("before") == null ? null : Long.parseLong(p.getParam("before"));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("tenantId must be a UUID and before a sequence number");
    }
    AuditRepository.Filter filter = new AuditRepository.Filter(tenant, p.getParam("action"), p.getParam("outcome"),
        p.getParam("actorId"), before);
    Responses.reply(ctx, 200, audit.page(Callers.of(ctx), filter, limit + 1).map(events -> {
      JsonArray items = new JsonArray();
      events.stream().limit(limit).forEach(e -> items.add(e.toJson()));
      String next = events.size() > limit ? Long.toString(events.get(limit - 1).seq()) : null;
      return new JsonObject().put("items", items).put("nextBefore", next);
    }));
  }

  public void verify(RoutingContext ctx) {
    Responses.reply(ctx, 200, audit.verify(Callers.of(ctx)));
  }
}
