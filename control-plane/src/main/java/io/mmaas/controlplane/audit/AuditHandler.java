package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/**
 * Audit log routes: filtered keyset pages ({@code ?before=<seq>}), streamed exports (JSON Lines, CSV), signed
 * checkpoints, the public key that checks them, and chain verification.
 */
public final class AuditHandler {
  private static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");

  private final AuditService audit;
  private final AuditPublicKey publicKey;

  public AuditHandler(AuditService audit, AuditPublicKey publicKey) {
    this.audit = audit;
    this.publicKey = publicKey;
  }

  public void list(RoutingContext ctx) {
    int limit = Pages.from(ctx).limit();
    AuditQuery query = query(ctx.request());
    Responses.reply(ctx, 200, audit.page(Callers.of(ctx), query, limit + 1).map(events -> {
      JsonArray items = new JsonArray();
      events.stream().limit(limit).forEach(e -> items.add(e.toJson()));
      String next = events.size() > limit ? Long.toString(events.get(limit - 1).seq()) : null;
      return new JsonObject().put("items", items).put("nextBefore", next);
    }));
  }

  public void export(RoutingContext ctx) {
    AuditQuery query = query(ctx.request());
    String f = ctx.request().getParam("format", "jsonl");
    AuditService.Format format = switch (f) {
      case "jsonl" -> AuditService.Format.JSONL;
      case "csv" -> AuditService.Format.CSV;
      default -> throw new InvalidInputException("format must be jsonl or csv");
    };
    ctx.request().resume();
    end(ctx, audit.export(Callers.of(ctx), query, format, () -> open(ctx,
        format == AuditService.Format.CSV ? "text/csv; charset=utf-8" : "application/x-ndjson",
        "audit-events." + f)));
  }

  public void checkpoints(RoutingContext ctx) {
    long after = seq(ctx.request(), "afterSeq", 0L);
    ctx.request().resume();
    end(ctx, audit.exportCheckpoints(Callers.of(ctx), after,
        () -> open(ctx, "application/x-ndjson", "audit-checkpoints.jsonl")));
  }

  public void publicKey(RoutingContext ctx) {
    Responses.json(ctx, 200, publicKey.toJson());
  }

  public void verify(RoutingContext ctx) {
    Responses.reply(ctx, 200, audit.verify(Callers.of(ctx)));
  }

  private static HttpServerResponse open(RoutingContext ctx, String contentType, String fileName) {
    return ctx.response().setStatusCode(200).setChunked(true).putHeader("Content-Type", contentType)
        .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
        .putHeader("Cache-Control", "no-store");
  }

  private static void end(RoutingContext ctx, Future<Long> streamed) {
    streamed.onSuccess(n -> ctx.response().end()).onFailure(ctx::fail);
  }

  static AuditQuery query(HttpServerRequest p) {
    String outcome = p.getParam("outcome");
    if (outcome != null && !OUTCOMES.contains(outcome)) {
      throw new InvalidInputException("outcome must be one of " + OUTCOMES);
    }
    UUID tenant;
    try {
      tenant = p.getParam("tenantId") == null ? null : UUID.fromString(p.getParam("tenantId"));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("tenantId must be a UUID");
    }
    return new AuditQuery(tenant, p.getParam("actorId"), p.getParam("action"), p.getParam("targetType"),
        p.getParam("targetId"), outcome, time(p, "from"), time(p, "to"), seq(p, "afterSeq", null),
        seq(p, "before", null));
  }

  private static Instant time(HttpServerRequest p, String name) {
    String v = p.getParam(name);
    try {
      return v == null ? null : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(name + " must be an ISO-8601 UTC time such as 2026-01-31T00:00:00Z");
    }
  }

  private static Long seq(HttpServerRequest p, String name, Long def) {
    String v = p.getParam(name);
    try {
      return v == null ? def : Long.valueOf(v);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + " must be a sequence number");
    }
  }
}
