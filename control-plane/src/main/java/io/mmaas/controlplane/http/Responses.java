package io.mmaas.controlplane.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Small helpers that end a request with JSON. */
public final class Responses {
  private Responses() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Ends the request with the future's JSON, or hands its failure to the failure handler. */
  public static void reply(RoutingContext ctx, int status, Future<JsonObject> future) {
    future.onSuccess(body -> json(ctx, status, body)).onFailure(ctx::fail);
  }
}
