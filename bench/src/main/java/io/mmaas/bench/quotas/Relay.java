package io.mmaas.bench.quotas;

import io.mmaas.controlplane.gateway.GatewayRoutes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * The least a gateway can be, for case d's floor: an HTTP/1.1 relay that forwards each POST to one agent and pipes the
 * answer back, with nothing else (no key check, no limits, no routing, no metering, no metrics), built on the same
 * Vert.x HTTP server and client, with the same transport, event-loop count and agent client
 * ({@link GatewayRoutes#agentClient}) as the control plane's gateway. Run as its own process, so its CPU per request
 * is what relaying alone costs on this machine.
 *
 * <p>{@code java -cp bench-app.jar io.mmaas.bench.quotas.Relay <listen port> <agent port> [event loops]}
 */
public final class Relay {
  private Relay() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int agentPort = Integer.parseInt(args[1]);
    int loops = args.length > 2 ? Integer.parseInt(args[2]) : Math.min(8, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.deployVerticle(() -> new Loop(port, agentPort), new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.printf("relay ready on port %d (%d event loops, %s transport)%n", port, loops,
            vertx.isNativeTransportEnabled() ? "native" : "NIO"))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  /** One event loop's server and its own agent client, as the gateway has one per event loop. */
  private static final class Loop extends VerticleBase {
    private final int port;
    private final int agentPort;
    private HttpClient agent;

    Loop(int port, int agentPort) {
      this.port = port;
      this.agentPort = agentPort;
    }

    @Override
    public Future<?> start() {
      agent = GatewayRoutes.agentClient(vertx);
      return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setMaxHeaderSize(16 * 1024)
              .setIdleTimeout(120))
          .requestHandler(this::relay).listen();
    }

    private void relay(HttpServerRequest req) {
      var out = req.response();
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
          .setPort(agentPort).setURI(req.uri()).setIdleTimeout(30_000);
      copy(req.getHeader("Authorization"), "Authorization", options);
      copy(req.getHeader("Content-Type"), "Content-Type", options);
      req.body()
          .compose(body -> agent.request(options).compose(call -> call.send(body)))
          .onSuccess(resp -> {
            out.setStatusCode(resp.statusCode());
            String type = resp.getHeader("Content-Type");
            if (type != null) {
              out.putHeader("Content-Type", type);
            }
            String length = resp.getHeader("Content-Length");
            if (length != null) {
              out.putHeader("Content-Length", length);
            } else {
              out.setChunked(true);
            }
            resp.pipe().to(out);
          })
          .onFailure(e -> {
            if (!out.ended() && !out.closed()) {
              out.setStatusCode(502).end();
            }
          });
    }

    private static void copy(String value, String name, RequestOptions options) {
      if (value != null) {
        options.putHeader(name, value);
      }
    }
  }
}
