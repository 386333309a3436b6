package io.mmaas.agent.hosts;

import io.mmaas.agent.modelhost.FlightRecorder;
import io.mmaas.agent.modelhost.HostProtocol;
import io.mmaas.agent.modelhost.HostSettings;
import io.mmaas.agent.modelhost.ModelHostMain;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.sync.Backoff;
import io.mmaas.agent.sync.DesiredReplica;
import io.mmaas.agent.sync.ReplicaHosts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises the node's model hosts (controller pattern, driven by the {@link io.mmaas.agent.sync.Reconciler}): the
 * hosts wanted are those the desired replicas belong in ({@link Isolation}); a host is started when a replica must
 * be loaded into it, stopped when its last replica is unloaded, and when it dies every replica in it is reported to
 * the listener at once (so they stop being routed to) with the cause and the replicas that were running. The next
 * load into a host that died waits out a backoff: none for the first restart, then 1 s doubling to 30 s, reset once a
 * host has stayed up for a minute.
 *
 * <p>All methods run on the agent's context.
 */
public final class HostSupervisor implements ReplicaHosts {
  private static final Logger log = LoggerFactory.getLogger(HostSupervisor.class);
  private static final Backoff RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
  private static final Duration STABLE = Duration.ofMinutes(1);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How hosts are started.
   *
   * @param urlOfPort the serving URL the gateway uses for a host's port
   * @param heapBytes the host JVM's heap ceiling ({@code -Xmx}); 0 for the JVM's default
   * @param javaOptions more JVM options for hosts (space separated), may be empty
   * @param portRange ports hosts listen on, {@code [first, last]}; null for ephemeral ports
   */
  public record Settings(Isolation isolation, String listenHost, IntFunction<String> urlOfPort, Path dataDir,
      long maxBodyBytes, int inferThreads, int maxPending, int eventLoops, long maxInferMillis,
      ExecutionProviderPreference executionProvider, int threadBudget, long heapBytes, String javaOptions,
      int[] portRange) {}

  private final Vertx vertx;
  private final Context context;
  private final Settings settings;
  private final HostLimits limits;
  private final Supplier<List<String>> servingKeys;
  private final Clock clock;
  private final Map<String, Host> hosts = new HashMap<>();
  private final Map<String, Restarts> restarts = new HashMap<>();
  private final Map<String, String> hostOfReplica = new HashMap<>();
  private Consumer<HostLost> listener = lost -> {};
  private int nextTag = 1;
  private long nextKeySeq = 1;
  private long crashes;
  private boolean stopped;

  private record Restarts(int failures, Instant notBefore) {}

  /** One host the supervisor started, and what it holds. */
  private final class Host {
    final String name;
    final Promise<HostProcess> up = Promise.promise();
    final Map<String, Integer> tags = new HashMap<>();
    final Set<String> loaded = new LinkedHashSet<>();
    final Map<String, Promise<Loaded>> loading = new LinkedHashMap<>();
    final Map<String, Promise<Void>> unloading = new HashMap<>();
    final Map<Long, Promise<Void>> keying = new HashMap<>();
    final Instant started = clock.instant();
    HostProcess process;
    String url;
    int port;
    boolean stopping;

    Host(String name) {
      this.name = name;
    }

    boolean empty() {
      return loaded.isEmpty() && loading.isEmpty() && unloading.isEmpty();
    }

    Path dir() {
      return settings.dataDir().resolve(name);
    }
  }

  /** @param servingKeys the serving keys a host that starts now accepts (the current one first) */
  public HostSupervisor(Vertx vertx, Settings settings, HostLimits limits, Supplier<List<String>> servingKeys,
                        Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.limits = limits;
    this.servingKeys = servingKeys;
    this.clock = clock;
  }

  @Override
  public void onLost(Consumer<HostLost> listener) {
    this.listener = listener;
  }

  /** The hosts running now: name, pid and serving URL (for the agent's status page and tests). */
  public List<JsonObject> running() {
    List<JsonObject> out = new ArrayList<>();
    hosts.values().forEach(h -> out.add(new JsonObject().put("name", h.name).put("url", h.url)
        .put("pid", h.process == null ? null : h.process.pid()).put("replicas", h.loaded.size())));
    return out;
  }

  @Override
  public Future<Loaded> load(DesiredReplica replica, Path modelFile, boolean syntheticWarmUp) {
    if (stopped) {
      return Future.failedFuture(new IllegalStateException("the agent is stopping"));
    }
    String name = settings.isolation().hostOf(replica);
    Host host = hosts.get(name);
    if (host == null) {
      host = new Host(name);
      hosts.put(name, host);
      startLater(host);
    }
    Host target = host;
    String id = replica.replicaId();
    hostOfReplica.put(id, name);
    Promise<Loaded> promise = Promise.promise();
    target.loading.put(id, promise);
    target.up.future().onSuccess(process -> {
      if (target.loading.get(id) != promise) {
        return; // given up on meanwhile
      }
      int tag = nextTag++;
      target.tags.put(id, tag);
      process.send(new JsonObject().put(HostProtocol.OP, HostProtocol.LOAD).put("replicaId", id)
          .put("modelName", replica.modelName()).put("version", replica.version())
          .put("file", modelFile.toAbsolutePath().toString()).put("tag", tag)
          .put("options", new JsonObject().put("intraOpThreads", replica.runtime().intraOpThreads())
              .put("interOpThreads", replica.runtime().interOpThreads())
              .put("maxBatchSize", replica.runtime().maxBatchSize())
              .put("maxQueueDelayMicros", replica.runtime().maxQueueDelayMicros()))
          .put("syntheticWarmUp", syntheticWarmUp).put("warmUp", replica.warmUp()));
    }).onFailure(e -> {
      if (target.loading.remove(id) == promise) {
        promise.tryFail(e);
      }
    });
    return promise.future();
  }

  /**
   * Makes every running host accept exactly these serving keys (the {@code keys} command): completes once each has
   * answered, or died (a host that starts later gets the keys {@code servingKeys} gives then). No replica is
   * reloaded and no request is dropped: a host swaps the keys it checks between two requests.
   */
  public Future<Void> setKeys(List<String> keys) {
    List<Future<Void>> applied = new ArrayList<>();
    for (Host host : hosts.values()) {
      if (host.process == null) {
        continue; // not started yet: it will start with the keys current then
      }
      long seq = nextKeySeq++;
      Promise<Void> promise = Promise.promise();
      host.keying.put(seq, promise);
      host.process.send(new JsonObject().put(HostProtocol.OP, HostProtocol.KEYS)
          .put("keys", new io.vertx.core.json.JsonArray(keys)).put("seq", seq));
      applied.add(promise.future());
    }
    return Future.all(applied).mapEmpty();
  }

  @Override
  public Future<Void> unload(String replicaId) {
    String name = hostOfReplica.get(replicaId);
    Host host = name == null ? null : hosts.get(name);
    if (host == null || !host.loaded.contains(replicaId)) {
      return Future.succeededFuture();
    }
    host.loaded.remove(replicaId);
    Promise<Void> promise = Promise.promise();
    host.unloading.put(replicaId, promise);
    host.process.send(new JsonObject().put(HostProtocol.OP, HostProtocol.UNLOAD).put("replicaId", replicaId));
    return promise.future();
  }

  /** Starts a new host's process now, or once the backoff after its last death has passed. */
  private void startLater(Host host) {
    String name = host.name;
    Restarts last = restarts.get(name);
    long wait = last == null ? 0 : Math.max(0, Duration.between(clock.instant(), last.notBefore()).toMillis());
    if (wait == 0) {
      start(host);
    } else {
      log.info("host {} restarts in {} ms (restart {} in a row)", name, wait, last.failures());
      vertx.setTimer(wait, t -> start(host));
    }
  }

  private void start(Host host) {
    if (stopped || hosts.get(host.name) != host) {
      host.up.tryFail("host " + host.name + " is no longer wanted");
      return;
    }
    try {
      Files.createDirectories(host.dir());
      Files.deleteIfExists(errorFile(host));
      host.process = HostProcess.start(host.name, limits.wrap(host.name, javaCommand(host)), context,
          event -> onEvent(host, event), status -> onExit(host, status));
    } catch (IOException | RuntimeException e) {
      log.error("cannot start host {}: {}", host.name, e.toString());
      hosts.remove(host.name);
      host.up.tryFail(new IOException("cannot start a model host: " + e.getMessage(), e));
      return;
    }
    host.port = pickPort();
    host.process.send(new JsonObject().put(HostProtocol.OP, HostProtocol.START).put("settings",
        new HostSettings(host.name, settings.listenHost(), host.port, servingKeys.get(), settings.maxBodyBytes(),
            settings.inferThreads(), settings.maxPending(), settings.eventLoops(), settings.maxInferMillis(),
            settings.executionProvider(), recorderFile(host).toString(), settings.threadBudget()).toJson()));
    vertx.setTimer(START_TIMEOUT.toMillis(), t -> {
      if (host.up.tryFail("host " + host.name + " did not start within " + START_TIMEOUT.toSeconds() + " s")) {
        host.process.kill();
      }
    });
    log.info("started model host {} (pid {}, {})", host.name, host.process.pid(), limits);
  }

  private int pickPort() {
    int[] range = settings.portRange();
    if (range == null) {
      return 0;
    }
    Set<Integer> taken = new java.util.HashSet<>();
    hosts.values().forEach(h -> taken.add(h.port));
    for (int port = range[0]; port <= range[1]; port++) {
      if (!taken.contains(port)) {
        return port;
      }
    }
    return 0;
  }

  private List<String> javaCommand(Host host) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (settings.heapBytes() > 0) {
      command.add("-Xmx" + (settings.heapBytes() >> 20) + "m");
    }
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-XX:-CreateCoredumpOnCrash");
    command.add("-XX:ErrorFile=" + errorFile(host));
    command.add("-Dlogback.configurationFile=logback-host.xml");
    command.add("-Dmmaas.host.name=" + host.name);
    for (String option : settings.javaOptions().trim().split("\\s+")) {
      if (!option.isEmpty()) {
        command.add(option);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ModelHostMain.class.getName());
    return command;
  }

  private static Path errorFile(Host host) {
    return host.dir().resolve("hs_err.log");
  }

  private static Path recorderFile(Host host) {
    return host.dir().resolve("recorder");
  }

  private void onEvent(Host host, JsonObject event) {
    String id = event.getString("replicaId");
    switch (event.getString(HostProtocol.EVENT, "")) {
      case HostProtocol.LISTENING -> {
        host.url = settings.urlOfPort().apply(event.getInteger("port"));
        log.info("model host {} serves on {}", host.name, host.url);
        host.up.tryComplete(host.process);
      }
      case HostProtocol.LOADED -> {
        Promise<Loaded> promise = host.loading.remove(id);
        if (promise != null) {
          host.loaded.add(id);
          String warmUp = event.getString("warmUp", "");
          promise.complete(new Loaded(event.getLong("memoryBytes", 0L), host.url,
              warmUp.startsWith("failed") || warmUp.startsWith("skipped") ? "warm-up " + warmUp : null));
        }
      }
      case HostProtocol.FAILED -> {
        Promise<Loaded> promise = host.loading.remove(id);
        host.tags.remove(id);
        if (promise != null) {
          promise.fail(new HostLoadException(event.getString("reason", "load failed")));
        }
        stopIfEmpty(host);
      }
      case HostProtocol.UNLOADED -> {
        Promise<Void> promise = host.unloading.remove(id);
        host.tags.remove(id);
        hostOfReplica.remove(id, host.name);
        if (promise != null) {
          promise.complete();
        }
        stopIfEmpty(host);
      }
      case HostProtocol.KEYS_APPLIED -> {
        Promise<Void> promise = host.keying.remove(event.getLong("seq", -1L));
        if (promise != null) {
          promise.complete();
        }
      }
      default -> log.debug("host {} sent {}", host.name, event);
    }
  }

  private void stopIfEmpty(Host host) {
    if (host.empty() && !host.stopping && hosts.get(host.name) == host) {
      host.stopping = true;
      hosts.remove(host.name);
      log.info("model host {} has no replicas left; stopping it", host.name);
      host.process.stop();
    }
  }

  private void onExit(Host host, int status) {
    boolean current = hosts.get(host.name) == host;
    if (current) {
      hosts.remove(host.name);
    }
    boolean expected = host.stopping || stopped;
    boolean outOfMemory = !expected && limits.oomKilled(host.name);
    String reason = CrashReason.of(status, errorFile(host), outOfMemory, limits.memoryBytes());
    limits.release(host.name);
    Set<String> held = new LinkedHashSet<>(host.loaded);
    held.addAll(host.loading.keySet());
    if (expected) {
      log.info("model host {} stopped ({})", host.name, reason);
    } else {
      Map<String, Culprit> culprits = culprits(host);
      log.warn("model host {} died: {}; {} replica(s) in it, running: {}", host.name, reason, held.size(),
          culprits.isEmpty() ? "none" : culprits);
      crashes++;
      Restarts last = restarts.get(host.name);
      // a crash in a warm-up on zeros is the platform's doing, not a sign of a host that keeps dying: no backoff
      boolean platformsDoing = !culprits.isEmpty()
          && culprits.values().stream().allMatch(ReplicaHosts.Culprit::syntheticWarmUp);
      int failures = last == null || platformsDoing
          || Duration.between(host.started, clock.instant()).compareTo(STABLE) > 0 ? 1 : last.failures() + 1;
      Duration delay = failures == 1 ? Duration.ZERO : RESTART.delay(failures - 1);
      restarts.put(host.name, new Restarts(failures, clock.instant().plus(delay)));
      if (!held.isEmpty()) {
        listener.accept(new HostLost(host.name, reason, held, culprits));
      }
    }
    held.forEach(id -> hostOfReplica.remove(id, host.name));
    HostCrashedException crash = new HostCrashedException(host.name, reason);
    host.up.tryFail(crash);
    List.copyOf(host.loading.values()).forEach(p -> p.tryFail(crash));
    host.loading.clear();
    List.copyOf(host.unloading.values()).forEach(Promise::tryComplete);
    List.copyOf(host.keying.values()).forEach(Promise::tryComplete); // a dead host needs no keys
    host.keying.clear();
    host.unloading.clear();
    host.loaded.clear();
  }

  /** The replicas the flight recorder shows running when the host died. */
  private Map<String, Culprit> culprits(Host host) {
    Map<Integer, String> byTag = new HashMap<>();
    host.tags.forEach((id, tag) -> byTag.put(tag, id));
    Map<String, Culprit> culprits = new LinkedHashMap<>();
    for (FlightRecorder.Entry entry : FlightRecorder.read(recorderFile(host))) {
      String id = byTag.get(entry.tag());
      if (id != null) {
        culprits.merge(id, new Culprit(entry.phase().during(), entry.phase().countsAgainstReplica(),
            entry.phase() == FlightRecorder.Phase.SYNTHETIC_WARM_UP, entry.requestId()), (a, b) -> a.counts() ? a : b);
      }
    }
    return culprits;
  }

  /** The supervisor's own Prometheus series. */
  public String metrics() {
    return "# HELP mmaas_agent_hosts Model hosts running on this agent.\n# TYPE mmaas_agent_hosts gauge\n"
        + "mmaas_agent_hosts " + hosts.size() + "\n"
        + "# HELP mmaas_agent_host_crashes_total Model hosts that died without being asked to stop.\n"
        + "# TYPE mmaas_agent_host_crashes_total counter\n"
        + "mmaas_agent_host_crashes_total " + crashes + "\n";
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    List.copyOf(hosts.values()).forEach(host -> {
      host.stopping = true;
      if (host.process != null) {
        host.process.kill();
      }
    });
    return Future.succeededFuture();
  }

  /** A load the host refused (invalid model, ONNX Runtime error): the reason is the host's. */
  public static final class HostLoadException extends Exception {
    HostLoadException(String reason) {
      super(reason);
    }
  }

  /** The host died while the replica was loading or loaded. */
  public static final class HostCrashedException extends Exception {
    HostCrashedException(String host, String reason) {
      super("its model host " + host + " died (" + reason + ")");
    }
  }
}
