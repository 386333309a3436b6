package io.mmaas.agent.app;

import io.mmaas.agent.artifacts.ArtifactDownloader;
import io.mmaas.agent.artifacts.ArtifactStore;
import io.mmaas.agent.controlplane.AgentIdentity;
import io.mmaas.agent.controlplane.Capabilities;
import io.mmaas.agent.controlplane.ControlPlaneClient;
import io.mmaas.agent.controlplane.Enrollment;
import io.mmaas.agent.controlplane.HeartbeatLoop;
import io.mmaas.agent.controlplane.HostProbe;
import io.mmaas.agent.controlplane.IdentityStore;
import io.mmaas.agent.oip.ServingKey;
import io.mmaas.agent.oip.ServingVerticle;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.sync.Reconciler;
import io.mmaas.agent.sync.ReplicaTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.time.Clock;

/**
 * Wires the agent: runtime → serving API (listening first, so the advertised URL carries the real port) →
 * enrollment → artifact cache, reconciler and heartbeat. Enrollment runs in the background and retries while the
 * control plane is unreachable; {@link #enrolled()} fails only when enrollment cannot succeed.
 */
public final class AgentVerticle extends VerticleBase {
  /** Loads (download included) running at once. */
  static final int MAX_CONCURRENT_LOADS = 2;

  private final AgentConfig config;
  private final Clock clock;
  private final Promise<AgentIdentity> enrolled = Promise.promise();
  private final ServingKey servingKey = new ServingKey();
  private final ReplicaTable replicas = new ReplicaTable();

  private ModelRuntime runtime;
  private ServingVerticle serving;
  private WorkerExecutor loadWorkers;
  private HttpClient artifactClient;
  private WebClient webClient;
  private ControlPlaneClient controlPlane;
  private ArtifactStore artifacts;
  private Reconciler reconciler;
  private HeartbeatLoop heartbeat;

  public AgentVerticle(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    loadWorkers = vertx.createSharedWorkerExecutor("mmaas-load", MAX_CONCURRENT_LOADS);
    artifactClient = vertx.createHttpClient();
    webClient = WebClient.create(vertx);
    controlPlane = new ControlPlaneClient(webClient, config.controlPlaneUrl());
    artifacts = new ArtifactStore(vertx, config.dataDir().resolve("artifacts"),
        new ArtifactDownloader(vertx, artifactClient, config.controlPlaneUrl(), () -> enrolled.future().result().credential()));
    return vertx
        .executeBlocking(() -> Files.createDirectories(config.dataDir()))
        .compose(dir -> artifacts.init())
        .compose(ready -> vertx.executeBlocking(
            () -> new OrtModelRuntime(config.executionProvider(), config.maxInferMillis())))
        .compose(ortRuntime -> {
          runtime = ortRuntime;
          serving = new ServingVerticle(
              new ServingVerticle.Settings(config.host(), config.port(), config.maxBodyBytes(), config.inferThreads(),
                  config.maxPending() > 0
                      ? config.maxPending()
                      : ServingVerticle.Settings.defaultMaxPending(config.inferThreads()),
                  config.effectiveEventLoops()),
              runtime, replicas, servingKey);
          return vertx.deployVerticle(serving);
        })
        .onSuccess(deployed -> enrollAndSync(config.servingUrl(serving.actualPort())));
  }

  private void enrollAndSync(String servingUrl) {
    Enrollment enrollment = new Enrollment(
        vertx, new IdentityStore(config.dataDir()), controlPlane, config.enrollmentToken(), config.name());
    vertx
        .executeBlocking(() -> HostProbe.probe(runtime.availableProviders()))
        .compose(capabilities -> enrollment.ensureEnrolled(servingUrl, capabilities)
            .onSuccess(identity -> startSync(identity, servingUrl, capabilities)))
        .onComplete(enrolled);
  }

  private void startSync(AgentIdentity identity, String servingUrl, Capabilities capabilities) {
    servingKey.set(identity.servingKey());
    reconciler = new Reconciler(vertx, replicas, artifacts, runtime, loadWorkers, clock, MAX_CONCURRENT_LOADS,
        () -> heartbeat.beatSoon());
    heartbeat = new HeartbeatLoop(vertx, controlPlane, identity, servingUrl, runtime.executionProvider(), capabilities,
        reconciler, replicas);
    heartbeat.start();
  }

  @Override
  public Future<?> stop() {
    if (heartbeat != null) {
      heartbeat.stop();
    }
    Future<Void> unloaded = reconciler != null ? reconciler.stop() : Future.succeededFuture();
    return unloaded
        .eventually(() -> runtime == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
          runtime.close();
          return null;
        }))
        .eventually(() -> {
          webClient.close();
          return artifactClient.close();
        })
        .eventually(() -> loadWorkers.close());
  }

  /** Completes with the identity once enrolled; fails when enrollment cannot succeed (e.g. a rejected token). */
  public Future<AgentIdentity> enrolled() {
    return enrolled.future();
  }

  /** The port the serving API listens on. */
  public int servingPort() {
    return serving.actualPort();
  }
}
