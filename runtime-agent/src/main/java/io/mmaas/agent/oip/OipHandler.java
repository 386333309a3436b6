package io.mmaas.agent.oip;

import io.mmaas.agent.metrics.AgentMetrics;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Turns OIP HTTP requests into {@link InferenceService} calls and back. */
final class OipHandler {
  static final String SERVER_NAME = "mmaas-runtime-agent";
  static final String SERVER_VERSION = "0.1.0";
  /** The binary tensor extension's header: the length of the JSON part of a body. */
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final String JSON = "application/json";
  private static final String BINARY = "application/octet-stream";

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
      ctx.fail(refuseKey(ctx.response()));
    }
  }

  /** The refusal of a request without the serving key: the challenge header on the response, and the failure. */
  static UnauthorizedException refuseKey(HttpServerResponse response) {
    response.putHeader("WWW-Authenticate", "Bearer");
    return new UnauthorizedException("missing or invalid serving key");
  }

  void server(RoutingContext ctx) {
    json(ctx, 200, new JsonObject()
        .put("name", SERVER_NAME)
        .put("version", SERVER_VERSION)
        .put("extensions", new JsonArray().add("binary_tensor_data")));
  }

  void model(RoutingContext ctx) {
    service
        .metadata(target(ctx))
        .onSuccess(metadata -> json(ctx, 200, metadata))
        .onFailure(ctx::fail);
  }

  void modelReady(RoutingContext ctx) {
    String name = nameHeader(ctx) != null ? nameHeader(ctx) : ctx.pathParam("replicaId");
    service
        .ready(target(ctx))
        .onSuccess(ready -> json(ctx, ready ? 200 : 503, new JsonObject().put("name", name).put("ready", ready)))
        .onFailure(ctx::fail);
  }

  void infer(RoutingContext ctx) {
    long headerLength;
    try {
      headerLength = headerLength(ctx.request().getHeader(HEADER_LENGTH));
    } catch (InvalidInputException e) {
      ctx.fail(e);
      return;
    }
    service
        .infer(target(ctx), ctx.body().buffer(), headerLength, InferenceService.Caller.of(ctx))
        .onSuccess(encoded -> writeEncoded(ctx.response(), encoded))
        .onFailure(ctx::fail);
  }

  /** The binary extension's header length, -1 when the header is absent (a plain JSON body). */
  static long headerLength(String header) throws InvalidInputException {
    if (header == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(header.trim());
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidInputException(HEADER_LENGTH + " must be a non-negative integer");
  }

  /** A 200 with the encoded answer: JSON, or the binary extension with its header length. */
  static void writeEncoded(HttpServerResponse response, InferResponseWriter.Encoded encoded) {
    response.setStatusCode(200);
    if (encoded.binary()) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, BINARY)
          .putHeader(HEADER_LENGTH, Integer.toString(encoded.headerLength()));
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, JSON);
    }
    response.end(encoded.body());
  }

  void metrics(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, AgentMetrics.CONTENT_TYPE).end(service.metrics().scrape());
  }

  private static InferenceService.Target target(RoutingContext ctx) {
    return new InferenceService.Target(ctx.pathParam("replicaId"), ctx.pathParam("version"), nameHeader(ctx),
        versionHeader(ctx), ctx.request().getHeader(InferRoute.REQUEST_ID));
  }

  private static String nameHeader(RoutingContext ctx) {
    return ctx.request().getHeader(ModelNames.NAME_HEADER);
  }

  private static String versionHeader(RoutingContext ctx) {
    return ctx.request().getHeader(ModelNames.VERSION_HEADER);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    json(ctx.response(), status, body);
  }

  static Future<Void> json(HttpServerResponse response, int status, JsonObject body) {
    return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
  }
}
