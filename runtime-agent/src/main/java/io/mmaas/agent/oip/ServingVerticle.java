package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.sync.ReplicaTable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires and serves the Open Inference Protocol on HOST:PORT, plus Prometheus metrics on {@code GET /metrics}.
 * Metrics need no credential: they carry model names and counts, no secrets, and scrapers rarely hold tokens; the
 * agent's port is meant for the cluster network only.
 */
public final class ServingVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ServingVerticle.class);
  private static final long SWEEP_MS = 5_000;

  /**
   * @param port 0 for an ephemeral port; {@link #actualPort()} tells which
   * @param inferThreads size of the inference worker pool
   * @param maxPending inference requests admitted at once; more get 503
   * @param eventLoops event loops serving HTTP (connections are spread over them); 1 keeps everything on this
   *     verticle's loop
   */
  public record Settings(String host, int port, long maxBodyBytes, int inferThreads, int maxPending, int eventLoops) {
    /** Settings with the default admission bound: 32 requests per inference thread. */
    public Settings(String host, int port, long maxBodyBytes, int inferThreads) {
      this(host, port, maxBodyBytes, inferThreads, defaultMaxPending(inferThreads));
    }

    /** Settings with the default number of event loops. */
    public Settings(String host, int port, long maxBodyBytes, int inferThreads, int maxPending) {
      this(host, port, maxBodyBytes, inferThreads, maxPending, defaultEventLoops());
    }

    /**
     * One per core, at most eight. Fewer was measured on the 2-core reference machine (load generator on the same
     * cores; agent benchmark case e: fresh agents, eight alternating rounds) and is not a reliable gain: one loop
     * served the tiny MLP without batching +8 % in one run (every round) and +0.6 % in another, and with dynamic
     * batching 4 % and 7 % slower (two loops feed the runners more requests per pass). {@code
     * MMAAS_AGENT_EVENT_LOOPS} chooses; measure on the node.
     */
    public static int defaultEventLoops() {
      return Math.min(8, Runtime.getRuntime().availableProcessors());
    }

    public static int defaultMaxPending(int inferThreads) {
      return Math.max(16, inferThreads * 32);
    }
  }

  private final Settings settings;
  private final ModelRuntime runtime;
  private final ReplicaTable replicas;
  private final ServingKey servingKey;
  private ExecutorService inferWorkers;
  private InferenceService service;
  private HttpServer server;

  public ServingVerticle(Settings settings, ModelRuntime runtime, ReplicaTable replicas, ServingKey servingKey) {
    this.settings = settings;
    this.runtime = runtime;
    this.replicas = replicas;
    this.servingKey = servingKey;
  }

  @Override
  public Future<?> start() {
    inferWorkers = Executors.newFixedThreadPool(settings.inferThreads(), new ThreadFactory() {
      private final AtomicInteger created = new AtomicInteger();

      @Override
      public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, "mmaas-infer-" + created.getAndIncrement());
        thread.setDaemon(true);
        return thread;
      }
    });
    service = new InferenceService(replicas, runtime, inferWorkers, settings.inferThreads(), settings.maxPending());
    OipHandler oip = new OipHandler(service, servingKey);
    OipFailureHandler failures = new OipFailureHandler(settings.maxBodyBytes());
    vertx.setPeriodic(SWEEP_MS, id -> service.sweepQueues());

    // Port 0 with several servers: a negative port is Vert.x's "random port, shared by every server that asks for
    // the same negative value", so all event loops serve the one ephemeral port.
    HttpServerOptions options = new HttpServerOptions().setHost(settings.host())
        .setPort(settings.port() == 0 && settings.eventLoops() > 1 ? -1 : settings.port())
        .setTcpNoDelay(true);
    return server(options, oip, failures).listen().compose(listening -> {
      server = listening;
      int extra = Math.max(0, settings.eventLoops() - 1);
      if (extra == 0) {
        return Future.succeededFuture(listening);
      }
      // More servers on the bound port, each deployed on its own event loop: Vert.x shares the listening socket and
      // hands new connections to the servers in turn, so HTTP parsing and writing use every core.
      HttpServerOptions shared = new HttpServerOptions(options);
      return vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          return server(shared, oip, failures).listen();
        }
      }, new DeploymentOptions().setInstances(extra)).map(id -> listening);
    }).onSuccess(listening -> log.info(
        "serving the Open Inference Protocol on {}:{} ({} event loops, {} inference threads, at most {} pending)",
        settings.host(), listening.actualPort(), settings.eventLoops(), settings.inferThreads(),
        settings.maxPending()));
  }

  /** A server whose inferences take the {@link InferRoute}, and everything else the router. */
  private HttpServer server(HttpServerOptions options, OipHandler oip, OipFailureHandler failures) {
    return vertx.createHttpServer(options).requestHandler(
        new InferRoute(service, servingKey, settings.maxBodyBytes(), failures, router(oip, failures)));
  }

  private Router router(OipHandler oip, OipFailureHandler failures) {
    Router router = Router.router(vertx);
    router.get("/v2/health/live").handler(oip::live);
    router.get("/v2/health/ready").handler(oip::ready);
    router.get("/metrics").handler(oip::metrics);
    router.route("/v2*").handler(oip::authenticate); // before any body is read
    for (String model : new String[] {"/v2/models/:replicaId", "/v2/models/:replicaId/versions/:version"}) {
      router.post(model + "/infer")
          .handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()))
          .handler(oip::infer);
    }
    router.get("/v2").handler(oip::server);
    for (String model : new String[] {"/v2/models/:replicaId", "/v2/models/:replicaId/versions/:version"}) {
      router.get(model).handler(oip::model);
      router.get(model + "/ready").handler(oip::modelReady);
    }
    router.route().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(failures);
    return router;
  }

  @Override
  public Future<?> stop() {
    service.close();
    inferWorkers.shutdown();
    return Future.succeededFuture();
  }

  /** The port the server listens on (the chosen one when 0 was asked for). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The serving rules and metrics behind the HTTP API. */
  public InferenceService service() {
    return service;
  }
}
