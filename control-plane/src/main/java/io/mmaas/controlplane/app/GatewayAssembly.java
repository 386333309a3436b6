package io.mmaas.controlplane.app;

import io.mmaas.controlplane.agents.AgentSecrets;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.gateway.AdmissionHandler;
import io.mmaas.controlplane.gateway.ChangeListener;
import io.mmaas.controlplane.gateway.GatewayMembership;
import io.mmaas.controlplane.gateway.GatewayMetrics;
import io.mmaas.controlplane.gateway.GatewayRoutes;
import io.mmaas.controlplane.gateway.KeyAuthenticator;
import io.mmaas.controlplane.gateway.Limiter;
import io.mmaas.controlplane.gateway.RoutingTable;
import io.mmaas.controlplane.gateway.UsageMeter;
import io.mmaas.controlplane.http.ClientAddresses;
import io.mmaas.controlplane.keys.ApiKeyRepository;
import io.mmaas.controlplane.quotas.QuotaRepository;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway role: key cache, limiter, usage meter, routing table, the change listener that keeps them current, and
 * the data-plane listener on {@code gatewayEventLoops} event loops. It reads PostgreSQL for routes and keys, and
 * keeps serving from what it last read while the database is away.
 */
final class GatewayAssembly {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayAssembly.class);

  private final Vertx vertx;
  private final Config config;
  private final RoutingTable routing;
  private final KeyAuthenticator keyAuth;
  private final GatewayMembership membership;
  private final UsageMeter meter;
  private final GatewayMetrics metrics;
  private final ChangeListener listener;
  private final Supplier<Router> router;

  GatewayAssembly(Vertx vertx, Config config, Pool pool, DenialAuditor denials, GatewayMetrics metrics, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    routing = new RoutingTable(pool, new AgentSecrets(config.agentServingSecrets()), clock);
    keyAuth = new KeyAuthenticator(pool, new ApiKeyRepository(), new TenantRepository(), new QuotaRepository(), clock,
        1_000, 30_000);
    membership = new GatewayMembership(pool);
    meter = new UsageMeter(pool);
    Limiter limiter = new Limiter(pool, clock, membership::live);
    metrics
        .gauge("mmaas_gateway_in_flight", "Data-plane requests admitted and not yet answered on this replica.",
            limiter::inFlight)
        .gauge("mmaas_gateway_replicas", "Live gateway replicas sharing each tenant's rate (this one included).",
            membership::live)
        .gauge("mmaas_gateway_cached_keys", "API keys whose state this replica holds in memory.", keyAuth::cached)
        .gauge("mmaas_gateway_routed_versions", "Model versions this replica can route to.", routing::versions)
        .gauge("mmaas_usage_pending_rows", "Usage rows waiting for the next flush.", meter::pendingRows);
    AdmissionHandler admission = new AdmissionHandler(limiter, meter, denials, clock, metrics);
    listener = new ChangeListener(vertx, io.vertx.pgclient.PgConnectOptions.fromUri(config.databaseUrl()),
        ChangeListener.CHANNEL, payload -> {
          if (ChangeListener.ROUTES.equals(payload) || "*".equals(payload)) {
            routing.refreshSoon();
          }
          if (!ChangeListener.ROUTES.equals(payload)) {
            keyAuth.evict(payload);
          }
        }, keyAuth::listening);
    // One gateway per event loop, each with its own router and agent client (so a request, its call to the agent
    // and the answer stay on one thread); the key cache, limiter, meter and routing table are shared and thread-safe.
    router = () -> {
      Router r = new GatewayRoutes(vertx, keyAuth, routing, denials, clock,
          config.maxInferBytes(), config.gatewayTimeoutMs(), metrics).router(vertx, admission);
      // first of all: where the request comes from, for denial records (order -1 runs before the gateway's routes)
      r.route().order(-1).handler(new ClientAddresses(config.trustedProxies()));
      return r;
    };
  }

  RoutingTable routing() {
    return routing;
  }

  /** Reads the routes, joins the gateway membership, listens, and starts the periodic jobs; the listening server. */
  Future<HttpServer> start() {
    return routing.refresh()
        .compose(v -> membership.renew())
        .compose(v -> listen())
        .onSuccess(s -> {
          vertx.setPeriodic(1_000, id -> routing.refresh());
          vertx.setPeriodic(5_000, id -> keyAuth.flushLastUsed()
              .onFailure(e -> LOG.warn("could not record API key use: {}", e.getMessage())));
          listener.start();
          vertx.setPeriodic(1_000, id -> membership.renew());
          vertx.setPeriodic(config.usageFlushMs(), id -> meter.flush()
              .onFailure(e -> {
                metrics.usageFlushFailed();
                LOG.warn("could not write usage: {}", e.getMessage());
              }));
        });
  }

  /** Stops listening for changes and leaves the membership (best effort: the database may be gone). */
  Future<Void> stop() {
    listener.stop();
    return membership.leave().recover(e -> Future.succeededFuture());
  }

  /**
   * The data-plane listener on {@code gatewayEventLoops} event loops: one server here and the others in child
   * verticles, all on the same port (Vert.x shares the listening socket and spreads connections over them; port 0
   * becomes the shared random port -1, so every server gets the same one).
   */
  private Future<HttpServer> listen() {
    int loops = config.gatewayEventLoops();
    int port = config.gatewayPort() == 0 && loops > 1 ? -1 : config.gatewayPort();
    HttpServerOptions options = ControlPlaneVerticle.serverOptions(config, port);
    return vertx.createHttpServer(options).requestHandler(router.get()).listen().compose(first -> {
      if (loops == 1) {
        return Future.succeededFuture(first);
      }
      return vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.createHttpServer(new HttpServerOptions(options)).requestHandler(router.get()).listen();
        }
      }, new DeploymentOptions().setInstances(loops - 1)).map(id -> first);
    });
  }
}
