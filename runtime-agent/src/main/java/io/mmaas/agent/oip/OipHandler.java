package io.mmaas.agent.oip;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Turns OIP HTTP requests into {@link InferenceService} calls and back. */
final class OipHandler {
  static final String SERVER_NAME = "mmaas-runtime-agent";
  static final String SERVER_VERSION = "0.1.0";
  private static final String JSON = "application/json";

  private final InferenceService service;
  private final ServingKey servingKey;

  OipHandler(InferenceService service, ServingKey servingKey) {
    this.service = service;
    this.servingKey = servingKey;
  }

  void live(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("live", true));
  }

  /** Ready once the agent is enrolled (it has a serving key) and, since it answers, the server is up. */
  void ready(RoutingContext ctx) {
    boolean ready = servingKey.isSet();
    json(ctx, ready ? 200 : 503, new JsonObject().put("ready", ready));
  }

  void authenticate(RoutingContext ctx) {
    if (servingKey.matches(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(new UnauthorizedException("missing or invalid serving key"));
    }
  }

  void server(RoutingContext ctx) {
    json(ctx, 200, new JsonObject()
        .put("name", SERVER_NAME)
        .put("version", SERVER_VERSION)
        .put("extensions", new JsonArray()));
  }

  void model(RoutingContext ctx) {
    service
        .metadata(replicaId(ctx), nameHeader(ctx), versionHeader(ctx))
        .onSuccess(metadata -> json(ctx, 200, metadata))
        .onFailure(ctx::fail);
  }

  void modelReady(RoutingContext ctx) {
    String name = nameHeader(ctx) != null ? nameHeader(ctx) : replicaId(ctx);
    service
        .ready(replicaId(ctx))
        .onSuccess(ready -> json(ctx, ready ? 200 : 503, new JsonObject().put("name", name).put("ready", ready)))
        .onFailure(ctx::fail);
  }

  void infer(RoutingContext ctx) {
    if (ctx.request().getHeader("Inference-Header-Content-Length") != null) {
      ctx.fail(new InvalidInputException("the binary tensor extension is not supported yet; send JSON data"));
      return;
    }
    service
        .infer(replicaId(ctx), nameHeader(ctx), versionHeader(ctx), ctx.body().buffer())
        .onSuccess(body -> ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body))
        .onFailure(ctx::fail);
  }

  private static String replicaId(RoutingContext ctx) {
    return ctx.pathParam("replicaId");
  }

  private static String nameHeader(RoutingContext ctx) {
    return ctx.request().getHeader(ModelNames.NAME_HEADER);
  }

  private static String versionHeader(RoutingContext ctx) {
    return ctx.request().getHeader(ModelNames.VERSION_HEADER);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
  }
}
