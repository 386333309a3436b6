package io.mmaas.controlplane.gateway;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.auth.Actor;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.RequestIds;
import io.mmaas.controlplane.keys.ApiKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: Open Inference Protocol REST for applications, authenticated by the tenant's API key. Model names
 * resolve inside the key's tenant only (another tenant's model is 404); metadata is answered from the routing table;
 * inference is proxied to a READY replica, trying the next one when an agent cannot be reached; an agent that takes
 * the request and sends nothing for {@code timeoutMs} gets the caller a 504.
 */
public final class GatewayRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);
  static final String PRINCIPAL = "principal";
  /** The version a request was routed to, for metering. */
  static final String ROUTE = "route";
  /** The largest piece of an agent's answer handed on to the caller in one write. */
  static final int ANSWER_PIECE_BYTES = 64 * 1024;
  /** Fails a call the gateway dropped because its caller had already left. */
  private static final VertxException CALLER_LEFT = new VertxException("the caller left", true);

  private final KeyAuthenticator keys;
  private final DenialAuditor denials;
  private final RoutingTable routes;
  private final HttpClient agents;
  private final Clock clock;
  private final long maxBodyBytes;
  private final long timeoutMs;
  private final GatewayMetrics metrics;

  public GatewayRoutes(Vertx vertx, KeyAuthenticator keys, RoutingTable routes, DenialAuditor denials, Clock clock,
                       long maxBodyBytes, long timeoutMs, GatewayMetrics metrics) {
    this.metrics = metrics;
    this.keys = keys;
    this.denials = denials;
    this.routes = routes;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
    this.timeoutMs = timeoutMs;
    this.agents = agentClient(vertx);
  }

  /**
   * The HTTP client one gateway event loop calls agents with (public so the benchmark's bare relay uses the very same
   * settings). Answers stream through in the pieces its decoder cuts them into, each one write (and flush) to the
   * caller: 64 KB pieces rather than the default 8 KB make a 196 KB embedding answer 3-4 writes instead of 24.
   */
  public static HttpClient agentClient(Vertx vertx) {
    return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000)
        .setMaxChunkSize(ANSWER_PIECE_BYTES), new PoolOptions().setHttp1MaxSize(64));
  }

  public Router router(Vertx vertx, io.vertx.core.Handler<RoutingContext> admission) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    // Bodies wait until the key is checked (no unauthenticated buffering); the BodyHandler resumes them.
    router.route().handler(ctx -> {
      ctx.request().pause();
      long received = System.nanoTime();
      boolean inference = ctx.request().method() == HttpMethod.POST;
      ctx.addEndHandler(v -> metrics.answered(ctx.response().getStatusCode(), inference,
          System.nanoTime() - received));
      ctx.next();
    });
    router.get("/v2/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("live", true)));
    router.get("/v2/health/ready").handler(ctx -> {
      if (routes.loaded()) {
        json(ctx, 200, new JsonObject().put("ready", true));
      } else {
        error(ctx, 503, "gateway is starting");
      }
    });
    router.route("/v2/*").handler(this::authenticate);
    router.route("/v2/*").handler(admission);
    router.get("/v2").handler(ctx -> json(ctx, 200, new JsonObject().put("name", "mmaas").put("version", "0.1.0")
        .put("extensions", new io.vertx.core.json.JsonArray().add("binary_tensor_data"))));
    router.get("/v2/models/:model").handler(this::metadata);
    router.get("/v2/models/:model/versions/:version").handler(this::metadata);
    router.get("/v2/models/:model/ready").handler(this::ready);
    router.get("/v2/models/:model/versions/:version/ready").handler(this::ready);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.post("/v2/models/:model/infer").handler(body).handler(this::infer);
    router.post("/v2/models/:model/versions/:version/infer").handler(body).handler(this::infer);
    router.route().last().handler(ctx -> error(ctx, 404, "not found"));
    router.route().failureHandler(this::failure);
    return router;
  }

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      error(ctx, 401, "missing API key: send 'Authorization: Bearer <key>'");
      return;
    }
    keys.authenticate(header.substring(7).trim()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("key check failed [{}]: {}", RequestIds.of(ctx), ar.cause().getMessage());
        error(ctx, 503, "cannot check the API key right now");
      } else if (ar.result() == null) {
        error(ctx, 401, "invalid, expired or revoked API key");
      } else {
        ctx.put(PRINCIPAL, ar.result());
        ctx.next();
      }
    });
  }

  /** The route for the path's model in the key's tenant, or null after answering 403/404. */
  private RoutingTable.Route resolve(RoutingContext ctx, String scope) {
    KeyAuthenticator.Principal p = ctx.get(PRINCIPAL);
    String model = ctx.pathParam("model");
    if (!p.key().scopes().contains(scope)) {
      error(ctx, 403, "this API key lacks the '" + scope + "' scope");
      return null;
    }
    List<String> allowed = p.key().modelAllowList();
    // the allow-list before the lookup: a key limited to some models learns nothing about which others exist
    if (allowed != null && !allowed.contains(model)) {
      error(ctx, 403, "this API key may not call model '" + model + "'");
      return null;
    }
    String version = ctx.pathParam("version");
    RoutingTable.Route route = routes.find(p.tenantId(), model, version);
    if (route == null) {
      error(ctx, 404, "model '" + model + "'" + (version == null ? "" : " version " + version) + " not found");
      return null;
    }
    ctx.put(ROUTE, route);
    return route;
  }

  private void metadata(RoutingContext ctx) {
    RoutingTable.Route route = resolve(ctx, ApiKey.SCOPE_METADATA);
    if (route != null) {
      json(ctx, 200, new JsonObject().put("name", route.model())
          .put("versions", new io.vertx.core.json.JsonArray().add(Integer.toString(route.version())))
          .put("platform", "onnx_onnxv1").put("inputs", route.inputs()).put("outputs", route.outputs()));
    }
  }

  private void ready(RoutingContext ctx) {
    RoutingTable.Route route = resolve(ctx, ApiKey.SCOPE_METADATA);
    if (route != null) {
      boolean ready = !route.live(clock.instant()).isEmpty();
      json(ctx, ready ? 200 : 503, new JsonObject().put("name", route.model()).put("ready", ready));
    }
  }

  private void infer(RoutingContext ctx) {
    RoutingTable.Route route = resolve(ctx, ApiKey.SCOPE_INFER);
    if (route == null) {
      return;
    }
    List<RoutingTable.Endpoint> live = route.live(clock.instant());
    if (live.isEmpty()) {
      error(ctx, 503, "model '" + route.model() + "' has no ready replica");
      return;
    }
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    forward(ctx, route, live, 0, body);
  }

  private void forward(RoutingContext ctx, RoutingTable.Route route, List<RoutingTable.Endpoint> live, int attempt,
                       Buffer body) {
    if (ctx.response().closed()) {
      return; // the caller left (before a retry on the next replica): nothing more to send
    }
    RoutingTable.Endpoint e = live.get(attempt);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHost(e.host()).setPort(e.port()).setSsl(e.ssl()).setURI(e.inferPath())
        .setIdleTimeout(timeoutMs)
        .putHeader("Authorization", e.authorization())
        .putHeader("Content-Type", contentType(ctx))
        .putHeader("X-Request-Id", RequestIds.of(ctx))
        .putHeader("X-MMaaS-Model-Name", route.model())
        .putHeader("X-MMaaS-Model-Version", Integer.toString(route.version()));
    String headerLength = ctx.request().getHeader("Inference-Header-Content-Length");
    if (headerLength != null) {
      options.putHeader("Inference-Header-Content-Length", headerLength);
    }
    long started = System.nanoTime();
    AtomicBoolean answered = new AtomicBoolean();
    AtomicBoolean sent = new AtomicBoolean();
    agents.request(options)
        .compose(req -> {
          if (ctx.response().closed()) {
            // the caller left while this waited for a connection to the agent: nothing is sent
            cancel(ctx, e, req);
            return Future.failedFuture(CALLER_LEFT);
          }
          // A caller that leaves before the agent answers cancels the call: the agent's connection is reset, and the
          // agent drops the request unrun if it is still queued there. (An end handler, not the response's close
          // handler: Vert.x Web's end handlers, which release the concurrency slot and meter the request, hang on it.)
          ctx.addEndHandler(ended -> {
            if (ended.failed() && !answered.get()) {
              cancel(ctx, e, req);
            }
          });
          req.end(body).onSuccess(v -> sent.set(true));
          return req.response();
        })
        .onSuccess(resp -> {
          answered.set(true);
          long upstream = System.nanoTime() - started;
          metrics.upstream(upstream);
          ctx.put(AdmissionHandler.UPSTREAM_MS, upstream / 1_000_000);
          // 404: the agent no longer has this replica (just unloaded); 503: not ready or overloaded. Both mean
          // "try another replica", and neither means the tenant's model does not exist. Their bodies are small
          // errors: read and dropped, so the connection goes back to the pool.
          boolean replicaUnavailable = resp.statusCode() == 503 || resp.statusCode() == 404;
          if (replicaUnavailable) {
            metrics.agentError(GatewayMetrics.AgentError.REPLICA_UNAVAILABLE);
          }
          if (replicaUnavailable && attempt + 1 < live.size()) {
            resp.body().onComplete(x -> forward(ctx, route, live, attempt + 1, body));
            return;
          }
          if (resp.statusCode() == 404) {
            resp.body().onComplete(x -> error(ctx, 503, "model '" + route.model() + "' is unavailable right now"));
            return;
          }
          // The answer streams through with back-pressure: the gateway holds a few buffers of it, never the whole
          // tensor, however large the model's output.
          var out = ctx.response().setStatusCode(resp.statusCode());
          copy(resp, out, "Content-Type");
          copy(resp, out, "Content-Length");
          // the binary tensor extension's body passes through unchanged; clients need these to split it
          copy(resp, out, "Inference-Header-Content-Length");
          copy(resp, out, "Retry-After");
          if (out.headers().get("Content-Length") == null) {
            out.setChunked(true);
          }
          resp.pipe().endOnFailure(false).to(out).onFailure(err -> {
            // the agent went away mid-answer: the client must not take a truncated body for a whole one
            metrics.agentError(GatewayMetrics.AgentError.FAILED_MID_ANSWER);
            LOG.warn("agent {} failed while answering for {} [{}]: {}", e.agentUrl(), route.model(),
                RequestIds.of(ctx), err.getMessage());
            ctx.request().connection().close();
          });
        })
        .onFailure(err -> {
          answered.set(true);
          if (ctx.response().closed()) {
            // cancelled because the caller left (counted where it was cancelled): no one to answer, and another
            // replica must not be given the work either
            return;
          }
          if (err instanceof TimeoutException) {
            metrics.agentError(GatewayMetrics.AgentError.TIMEOUT);
            // The agent took the request and did not answer in time. Another replica is not tried: that would make
            // the caller wait a second full timeout, and a model that hangs would get every request twice.
            ctx.put(AdmissionHandler.UPSTREAM_MS, (System.nanoTime() - started) / 1_000_000);
            LOG.warn("agent {} did not answer for {} within {} ms [{}]", e.agentUrl(), route.model(), timeoutMs,
                RequestIds.of(ctx));
            if (!ctx.response().ended()) {
              error(ctx, 504, "model '" + route.model() + "' did not answer within " + timeoutMs + " ms");
            }
            return;
          }
          if (sent.get()) {
            // The whole request reached the replica and the connection dropped before any answer: its model host
            // most likely died running it. Another replica is not tried: a request that crashes a host would crash
            // the next one too (the fleet-wide crash loop a poison request must not start); the caller may retry.
            metrics.agentError(GatewayMetrics.AgentError.LOST_WHILE_RUNNING);
            LOG.warn("replica {} at {} dropped the connection while running a request for {} [{}]: {}",
                e.replicaId(), e.agentUrl(), route.model(), RequestIds.of(ctx), err.getMessage());
            if (!ctx.response().ended()) {
              error(ctx, 502, "model '" + route.model() + "' failed while running the request");
            }
            return;
          }
          // not reached, refused or reset before the request was sent: the next replica can take the request
          metrics.agentError(GatewayMetrics.AgentError.UNREACHABLE);
          routes.unreachable(e.replicaId());
          LOG.warn("agent {} unreachable for {} [{}]: {}", e.agentUrl(), route.model(), RequestIds.of(ctx),
              err.getMessage());
          if (attempt + 1 < live.size()) {
            forward(ctx, route, live, attempt + 1, body);
          } else if (!ctx.response().ended()) {
            error(ctx, 503, "model '" + route.model() + "' is unavailable right now");
          }
        });
  }

  /** Counts and resets a call to an agent whose caller has left. */
  private void cancel(RoutingContext ctx, RoutingTable.Endpoint e, HttpClientRequest req) {
    metrics.cancelled();
    try {
      req.reset();
    } catch (RuntimeException ex) {
      // Vert.x Web runs end handlers newest first and stops at one that throws: the admission's handler, which frees
      // the concurrency slot, runs after the one this is called from and must still run
      LOG.warn("could not cancel the call to agent {} [{}]: {}", e.agentUrl(), RequestIds.of(ctx), ex.toString());
    }
  }

  private static String contentType(RoutingContext ctx) {
    String ct = ctx.request().getHeader("Content-Type");
    return ct == null ? "application/json" : ct;
  }

  private static void copy(io.vertx.core.http.HttpClientResponse from, io.vertx.core.http.HttpServerResponse to,
                           String header) {
    String v = from.getHeader(header);
    if (v != null) {
      to.putHeader(header, v);
    }
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 413) {
      error(ctx, 413, "request body larger than " + maxBodyBytes + " bytes");
    } else if (status >= 500) {
      LOG.error("gateway failure [" + RequestIds.of(ctx) + "]", ctx.failure());
      error(ctx, 500, "internal error");
    } else {
      error(ctx, status, "request failed");
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private void error(RoutingContext ctx, int status, String message) {
    if (status == 401 || status == 403) {
      KeyAuthenticator.Principal p = ctx.get(PRINCIPAL);
      Actor actor = p == null ? Actor.anonymous(null) : Actor.apiKey(p.key().id(), p.key().name(), p.tenantId());
      denials.record(Callers.from(ctx, actor), AuditRecord.denied("gateway.denied", p == null ? null : p.tenantId(),
              "model", ctx.pathParam("model"), new JsonObject().put("status", status).put("reason", message)))
          .onFailure(e -> LOG.warn("could not audit a denial: {}", e.getMessage()));
    }
    if (!ctx.response().ended()) {
      json(ctx, status, new JsonObject().put("error", message));
    }
  }

}
