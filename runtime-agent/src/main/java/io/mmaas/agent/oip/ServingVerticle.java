package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.sync.ReplicaTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires and serves the Open Inference Protocol on HOST:PORT. */
public final class ServingVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ServingVerticle.class);

  /**
   * @param port 0 for an ephemeral port; {@link #actualPort()} tells which
   * @param inferThreads size of the inference worker pool
   */
  public record Settings(String host, int port, long maxBodyBytes, int inferThreads) {}

  private final Settings settings;
  private final ModelRuntime runtime;
  private final ReplicaTable replicas;
  private final ServingKey servingKey;
  private WorkerExecutor inferWorkers;
  private HttpServer server;

  public ServingVerticle(Settings settings, ModelRuntime runtime, ReplicaTable replicas, ServingKey servingKey) {
    this.settings = settings;
    this.runtime = runtime;
    this.replicas = replicas;
    this.servingKey = servingKey;
  }

  @Override
  public Future<?> start() {
    inferWorkers = vertx.createSharedWorkerExecutor("mmaas-infer", settings.inferThreads());
    int maxPending = Math.max(16, settings.inferThreads() * 8);
    OipHandler oip = new OipHandler(new InferenceService(replicas, runtime, inferWorkers, maxPending), servingKey);

    Router router = Router.router(vertx);
    router.get("/v2/health/live").handler(oip::live);
    router.get("/v2/health/ready").handler(oip::ready);
    router.route("/v2*").handler(oip::authenticate);
    router.get("/v2").handler(oip::server);
    router.get("/v2/models/:replicaId").handler(oip::model);
    router.get("/v2/models/:replicaId/ready").handler(oip::modelReady);
    router.post("/v2/models/:replicaId/infer")
        .handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()))
        .handler(oip::infer);
    router.route().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(new OipFailureHandler(settings.maxBodyBytes()));

    HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(settings.port());
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(listening -> {
      server = listening;
      log.info("serving the Open Inference Protocol on {}:{}", settings.host(), listening.actualPort());
    });
  }

  @Override
  public Future<?> stop() {
    return inferWorkers.close();
  }

  /** The port the server listens on (the chosen one when 0 was asked for). */
  public int actualPort() {
    return server.actualPort();
  }
}
