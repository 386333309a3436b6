package io.mmaas.controlplane.http;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.auth.Actor;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.errors.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin and agent APIs' one failure handler: maps domain exceptions to {@code {"error":{"code","message",
 * "requestId"}}}. 4xx log at debug, 503 at warn, other 5xx at error with the stack; internals never reach the body.
 */
public final class ApiFailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiFailureHandler.class);
  private final DenialAuditor denials;

  /** {@code denials} records 401/403 answers in the audit log (summarised under floods). */
  public ApiFailureHandler(DenialAuditor denials) {
    this.denials = denials;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String code;
    String message;
    if (failure instanceof ApiException e) {
      status = e.status();
      code = e.code();
      message = e.getMessage();
    } else if (failure instanceof DecodeException) {
      status = 400;
      code = "invalid_json";
      message = "request body is not valid JSON";
    } else if (failure instanceof HttpException e) {
      status = e.getStatusCode();
      code = codeFor(status);
      message = messageFor(status);
    } else if (failure == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      code = codeFor(status);
      message = messageFor(status);
    } else if (io.mmaas.controlplane.app.Database.unavailable(failure)) {
      status = 503;
      code = "unavailable";
      message = "the database cannot be reached right now; try again shortly";
    } else {
      status = 500;
      code = "internal_error";
      message = "internal error";
    }
    String requestId = RequestIds.of(ctx);
    String line = ctx.request().method() + " " + ctx.request().path() + " -> " + status + " " + code + " [" + requestId + "]";
    if (status >= 500 && status != 503) {
      LOG.error(line, failure);
    } else if (status == 503) {
      LOG.warn("{}: {}", line, message);
    } else {
      LOG.debug("{}: {}", line, message);
    }
    if ((status == 401 || status == 403) && !ctx.request().path().equals("/api/v1/auth/login")) {
      recordDenial(ctx, "access.denied", status, message);
    } else if ("quota_exceeded".equals(code)) {
      recordDenial(ctx, "quota.denied", status, message);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (failure instanceof ApiException e && e.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject()
            .put("code", code).put("message", message).put("requestId", requestId)
            .put("details", failure instanceof ApiException e ? e.details() : null)).encode());
  }

  private void recordDenial(RoutingContext ctx, String action, int status, String message) {
    Caller caller = ctx.get(Callers.KEY);
    if (caller == null) {
      caller = Callers.from(ctx, Actor.anonymous(null));
    }
    String route = ctx.currentRoute() != null && ctx.currentRoute().getPath() != null
        ? ctx.currentRoute().getPath() : ctx.request().path();
    denials.record(caller, AuditRecord.denied(action, caller.actor().tenantId(), "route", route,
            new JsonObject().put("method", ctx.request().method().name()).put("status", status).put("reason", message)))
        .onFailure(e -> LOG.warn("could not audit a denial: {}", e.getMessage()));
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "invalid_input";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "quota_exceeded";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }

  static String messageFor(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "authentication required";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      case 415 -> "unsupported media type";
      case 503 -> "service unavailable";
      default -> status >= 500 ? "internal error" : "request failed";
    };
  }
}
