package io.mmaas.agent.app;

import io.mmaas.agent.hosts.HostSupervisor;
import io.mmaas.agent.metrics.AgentMetrics;
import io.mmaas.agent.metrics.PrometheusMerge;
import io.mmaas.agent.oip.ServingKey;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The agent's own port: health ({@code /v2/health/live}, {@code /v2/health/ready}: ready once enrolled), the node's
 * metrics ({@code /metrics}: the supervisor's series followed by every model host's, each labelled with its host),
 * and {@code /hosts} (the running hosts, for operators). Inference is not served here: each replica is served by its
 * model host on the URL the agent reports for it.
 */
final class AgentServer {
  private final io.vertx.core.Vertx vertx;
  private final ServingKey enrolled;
  private final Supplier<HostSupervisor> hosts;
  private final Supplier<String> ownMetrics;
  private final HttpClient client;
  private HttpServer server;

  AgentServer(io.vertx.core.Vertx vertx, ServingKey enrolled, Supplier<HostSupervisor> hosts,
      Supplier<String> ownMetrics) {
    this.vertx = vertx;
    this.enrolled = enrolled;
    this.hosts = hosts;
    this.ownMetrics = ownMetrics;
    this.client = vertx.createHttpClient();
  }

  Future<HttpServer> listen(String host, int port) {
    Router router = Router.router(vertx);
    router.get("/v2/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("live", true)));
    router.get("/v2/health/ready").handler(ctx -> {
      boolean ready = enrolled.isSet();
      json(ctx, ready ? 200 : 503, new JsonObject().put("ready", ready));
    });
    router.get("/metrics").handler(this::metrics);
    router.get("/hosts").handler(ctx -> {
      HostSupervisor supervisor = hosts.get();
      json(ctx, 200, new JsonObject().put("hosts",
          new JsonArray(supervisor == null ? List.of() : supervisor.running())));
    });
    router.route().handler(ctx -> json(ctx, 404, new JsonObject().put("error", "not found: replicas are served by "
        + "their model hosts, at the serving URL the agent reports for each")));
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
  }

  int actualPort() {
    return server.actualPort();
  }

  private void metrics(RoutingContext ctx) {
    HostSupervisor supervisor = hosts.get();
    List<JsonObject> running = supervisor == null ? List.of() : supervisor.running();
    List<Future<String>> scrapes = new ArrayList<>();
    for (JsonObject host : running) {
      String url = host.getString("url");
      if (url == null) {
        scrapes.add(Future.succeededFuture(""));
        continue;
      }
      URI uri = URI.create(url);
      scrapes.add(client.request(HttpMethod.GET, uri.getPort(), uri.getHost(), "/metrics")
          .compose(req -> req.send().compose(resp -> resp.body()))
          .map(body -> body.toString())
          .otherwise(""));
    }
    Future.join(scrapes).onComplete(done -> {
      PrometheusMerge merged = new PrometheusMerge();
      for (int i = 0; i < running.size(); i++) {
        String text = scrapes.get(i).result();
        merged.add(running.get(i).getString("name"), text == null ? "" : text);
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, AgentMetrics.CONTENT_TYPE)
          .end(ownMetrics.get() + merged.text());
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }

  Future<Void> close() {
    client.close();
    return server == null ? Future.succeededFuture() : server.close();
  }
}
