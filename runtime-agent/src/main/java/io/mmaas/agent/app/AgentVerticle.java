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
import io.mmaas.agent.controlplane.ServingKeyRing;
import io.mmaas.agent.hosts.HostLimits;
import io.mmaas.agent.hosts.HostSupervisor;
import io.mmaas.agent.hosts.ProviderProbe;
import io.mmaas.agent.oip.ServingKey;
import io.mmaas.agent.oip.ServingVerticle;
import io.mmaas.agent.sync.Quarantine;
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
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the agent, the node's supervisor: its own port (health, metrics; listening first, so the advertised URL
 * carries the real port) → execution-provider probe (in a short-lived host) → enrollment → artifact cache, host
 * supervisor, reconciler and heartbeat. ONNX Runtime never runs in this process: replicas run in model hosts.
 * Enrollment runs in the background and retries while the control plane is unreachable; {@link #enrolled()} fails
 * only when enrollment cannot succeed.
 */
public final class AgentVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(AgentVerticle.class);
  /** Loads (download included) running at once. */
  static final int MAX_CONCURRENT_LOADS = 2;

  private final AgentConfig config;
  private final Clock clock;
  private final Promise<AgentIdentity> enrolled = Promise.promise();
  private final ServingKey servingKey = new ServingKey();
  private final ReplicaTable replicas = new ReplicaTable();

  private AgentServer server;
  private WorkerExecutor loadWorkers;
  private HttpClient artifactClient;
  private WebClient webClient;
  private ControlPlaneClient controlPlane;
  private ArtifactStore artifacts;
  private HostSupervisor hosts;
  private Reconciler reconciler;
  private HeartbeatLoop heartbeat;
  private ServingKeyRing keys;

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
    server = new AgentServer(vertx, servingKey, () -> hosts, () -> hosts == null ? "" : hosts.metrics());
    return vertx
        .executeBlocking(() -> Files.createDirectories(config.dataDir()))
        .compose(dir -> artifacts.init())
        .compose(ready -> server.listen(config.host(), config.port()))
        .onSuccess(listening -> enrollAndSync(config.servingUrl(server.actualPort())));
  }

  private void enrollAndSync(String servingUrl) {
    Enrollment enrollment = new Enrollment(
        vertx, new IdentityStore(config.dataDir()), controlPlane, config.enrollmentToken(), config.name());
    vertx
        .executeBlocking(() -> ProviderProbe.probe(config.executionProvider()))
        .compose(providers -> vertx.executeBlocking(() -> HostProbe.probe(providers.available()))
            .compose(capabilities -> enrollment.ensureEnrolled(servingUrl, capabilities)
                .onSuccess(identity -> startSync(identity, servingUrl, providers.executionProvider(), capabilities))))
        .onComplete(enrolled);
  }

  private void startSync(AgentIdentity identity, String servingUrl, String executionProvider,
      Capabilities capabilities) {
    servingKey.set(identity.acceptedServingKeys());
    keys = new ServingKeyRing(vertx, new IdentityStore(config.dataDir()), identity,
        accepted -> {
          servingKey.set(accepted);
          return hosts.setKeys(accepted);
        },
        () -> heartbeat.beatSoon());
    AgentConfig.Hosts options = config.hosts();
    HostLimits limits = HostLimits.detect(identity.agentId(), options.memoryBytes(), options.maxTasks());
    log.info("model hosts: isolation {}, limits {}", options.isolation(), limits);
    hosts = new HostSupervisor(vertx,
        new HostSupervisor.Settings(options.isolation(), config.host(), config::hostUrl,
            config.dataDir().resolve("hosts"), config.maxBodyBytes(), Math.min(config.inferThreads(), options.threads()),
            config.maxPending() > 0 ? config.maxPending()
                : ServingVerticle.Settings.defaultMaxPending(config.inferThreads()),
            config.effectiveEventLoops(), config.maxInferMillis(), config.executionProvider(), options.threads(),
            options.heapBytes(), options.javaOptions(), options.ports()),
        limits, keys::accepted, clock);
    reconciler = new Reconciler(vertx, replicas, artifacts, hosts, loadWorkers, clock, MAX_CONCURRENT_LOADS,
        new Quarantine(options.quarantineCrashes(), Duration.ofSeconds(options.quarantineWindowSeconds()), clock),
        () -> heartbeat.beatSoon());
    heartbeat = new HeartbeatLoop(vertx, controlPlane, identity, servingUrl, executionProvider,
        capabilities.withModelHosts(options.isolation().name(), limits.toString()), reconciler, replicas, keys);
    heartbeat.start();
  }

  @Override
  public Future<?> stop() {
    if (heartbeat != null) {
      heartbeat.stop();
    }
    Future<Void> stopped = reconciler != null ? reconciler.stop() : hosts != null ? hosts.stop() : Future.succeededFuture();
    return stopped
        .eventually(() -> server.close())
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

  /** The port of the agent's own server (health, metrics). */
  public int servingPort() {
    return server.actualPort();
  }

  /** What the agent observes of its replicas (for tests). */
  public ReplicaTable replicas() {
    return replicas;
  }
}
