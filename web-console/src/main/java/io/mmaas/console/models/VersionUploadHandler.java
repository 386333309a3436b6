package io.mmaas.console.models;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiException;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.Json;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.RequestIds;
import io.mmaas.console.pages.TenantLinks;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /tenants/{t}/models/{m}/versions from the upload script: the raw ONNX file as the body, streamed to the API
 * as it arrives (paused until the API call starts, then piped with back-pressure), so the console never holds a whole
 * model in memory. Answers JSON for the script: the new version and its page, or the API's refusal.
 */
public final class VersionUploadHandler {
  private static final Logger LOG = LoggerFactory.getLogger(VersionUploadHandler.class);

  private final AdminApiClient api;

  public VersionUploadHandler(AdminApiClient api) {
    this.api = api;
  }

  /** First on the route: nothing of the body may be read before the API call is ready to take it. */
  public static void pause(RoutingContext ctx) {
    ctx.request().pause();
    ctx.next();
  }

  public void handle(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && !length.matches("\\d{1,19}")) {
      reply(ctx, 400, new JsonObject().put("error", "invalid Content-Length"));
      return;
    }
    api.upload(session.token(), ApiPath.tenant(tenant, "models", model, "versions"), ctx.request(), length,
            Calls.of(ctx))
        .onSuccess(v -> {
          long version = Json.number(v, "version", 0);
          LOG.info("{} uploaded {}/{} version {} [{}]", session.user().username(), tenant, model, version,
              RequestIds.of(ctx));
          reply(ctx, 201, new JsonObject().put("version", version).put("href",
              TenantLinks.base(tenant) + "/models/" + TenantLinks.segment(model) + "/versions/" + version));
        })
        .onFailure(err -> {
          if (err instanceof ApiException e && e.status() < 500) {
            reply(ctx, e.status(), new JsonObject().put("error", e.getMessage()).put("requestId", e.requestId()));
          } else {
            LOG.warn("upload to {}/{} failed: {} [{}]", tenant, model, err.toString(), RequestIds.of(ctx));
            reply(ctx, 502, new JsonObject().put("error", "The control plane could not take the upload. Try again.")
                .put("requestId", RequestIds.of(ctx)));
          }
        });
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    if (!ctx.request().isEnded()) {
      ctx.response().putHeader("Connection", "close");
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
