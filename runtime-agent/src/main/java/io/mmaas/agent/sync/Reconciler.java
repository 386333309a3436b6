package io.mmaas.agent.sync;

import io.mmaas.agent.artifacts.ArtifactException;
import io.mmaas.agent.artifacts.ArtifactStore;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelLoadException;
import io.mmaas.agent.runtime.ModelRuntime;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the local model set toward the desired state (controller pattern): read desired, observe what is loaded
 * or in flight, act (download + load what is missing, at most {@code maxConcurrentLoads} at a time; unload what is
 * no longer wanted), write status to the {@link ReplicaTable}. A failed replica is retried with backoff measured on
 * the injected {@link Clock}; every heartbeat answer runs a pass, so the agent converges again after a restart or a
 * partition.
 *
 * <p>All methods run on the agent verticle's context; blocking work goes to worker pools.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));

  private final Vertx vertx;
  private final ReplicaTable table;
  private final ArtifactStore artifacts;
  private final ModelRuntime runtime;
  private final WorkerExecutor loadWorkers;
  private final Clock clock;
  private final int maxConcurrentLoads;
  private final Runnable onChange;

  private long appliedGeneration;
  private long lastIgnoredGeneration = -1;
  private Map<String, DesiredReplica> desired = Map.of();
  private final Map<String, DesiredReplica> loaded = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> unloading = new HashSet<>();
  private final Map<String, Retry> retries = new HashMap<>();
  private boolean stopped;

  private record Retry(int failures, Instant notBefore) {}

  /**
   * @param loadWorkers pool that runs session loads
   * @param onChange called (on the context) whenever a replica's observed state changed, e.g. to report early
   */
  public Reconciler(
      Vertx vertx,
      ReplicaTable table,
      ArtifactStore artifacts,
      ModelRuntime runtime,
      WorkerExecutor loadWorkers,
      Clock clock,
      int maxConcurrentLoads,
      Runnable onChange) {
    this.vertx = vertx;
    this.table = table;
    this.artifacts = artifacts;
    this.runtime = runtime;
    this.loadWorkers = loadWorkers;
    this.clock = clock;
    this.maxConcurrentLoads = maxConcurrentLoads;
    this.onChange = onChange;
  }

  /** Generation of the last desired state applied; 0 before the first. */
  public long appliedGeneration() {
    return appliedGeneration;
  }

  /**
   * Adopts {@code state} unless it is older than the one applied (a lagging control-plane replica), then runs a
   * reconcile pass. Returns false when the state was stale and ignored.
   */
  public boolean apply(DesiredState state) {
    if (state.generation() < appliedGeneration) {
      if (state.generation() != lastIgnoredGeneration) {
        log.warn("ignoring desired state generation {}: generation {} is already applied", state.generation(), appliedGeneration);
        lastIgnoredGeneration = state.generation();
      }
      return false;
    }
    if (state.generation() > appliedGeneration) {
      log.info("applying desired state generation {} with {} replica(s)", state.generation(), state.replicas().size());
    }
    appliedGeneration = state.generation();
    Map<String, DesiredReplica> next = new LinkedHashMap<>();
    state.replicas().forEach(r -> next.put(r.replicaId(), r));
    desired = next;
    reconcile();
    return true;
  }

  /** One pass: unload what is unwanted, start what is missing, publish changes. */
  public void reconcile() {
    if (stopped) {
      return;
    }
    boolean changed = releaseUnwanted();
    Instant now = clock.instant();
    for (DesiredReplica want : desired.values()) {
      String id = want.replicaId();
      if (loaded.containsKey(id) || inFlight.contains(id) || unloading.contains(id)) {
        continue;
      }
      Retry retry = retries.get(id);
      if (retry != null && now.isBefore(retry.notBefore())) {
        continue;
      }
      if (inFlight.size() >= maxConcurrentLoads) {
        if (retry == null) {
          changed |= table.put(ReplicaStatus.of(want, ReplicaState.DOWNLOADING, "queued", 0));
        }
        continue;
      }
      changed |= start(want);
    }
    if (changed) {
      onChange.run();
    }
  }

  private boolean releaseUnwanted() {
    boolean changed = false;
    for (String id : new ArrayList<>(loaded.keySet())) {
      DesiredReplica want = desired.get(id);
      if (!loaded.get(id).sameSession(want)) {
        loaded.remove(id);
        unload(id);
        changed |= table.remove(id);
      } else {
        long memory = table.find(id).map(ReplicaStatus::memoryBytes).orElse(0L);
        changed |= table.put(ReplicaStatus.of(want, ReplicaState.READY, null, memory));
      }
    }
    for (ReplicaStatus status : table.all()) {
      String id = status.replicaId();
      if (!desired.containsKey(id) && !inFlight.contains(id)) {
        changed |= table.remove(id);
      }
    }
    retries.keySet().removeIf(id -> !desired.containsKey(id));
    return changed;
  }

  private boolean start(DesiredReplica want) {
    String id = want.replicaId();
    inFlight.add(id);
    boolean changed = table.put(ReplicaStatus.of(want, ReplicaState.DOWNLOADING, null, 0));
    artifacts
        .fetch(want.artifact())
        .compose(file -> want.artifact().archive()
            ? loadWorkers.executeBlocking(() -> ArchiveUnpacker.unpack(file), false)
            : Future.succeededFuture(file))
        .compose(file -> {
          DesiredReplica current = desired.get(id);
          if (stopped || !want.sameSession(current)) {
            return Future.succeededFuture((LoadedModel) null);
          }
          if (table.put(ReplicaStatus.of(current, ReplicaState.LOADING, null, 0))) {
            onChange.run();
          }
          return loadWorkers.executeBlocking(() -> runtime.load(id, file, want.runtime()), false);
        })
        .onComplete(done -> finish(want, done));
    return changed;
  }

  private void finish(DesiredReplica want, AsyncResult<LoadedModel> done) {
    String id = want.replicaId();
    inFlight.remove(id);
    DesiredReplica current = desired.get(id);
    boolean wanted = !stopped && want.sameSession(current);
    if (done.succeeded() && done.result() != null) {
      if (wanted) {
        loaded.put(id, want);
        retries.remove(id);
        table.put(ReplicaStatus.of(current, ReplicaState.READY, null, done.result().memoryBytes()));
      } else {
        unload(id);
      }
    } else if (done.failed() && wanted) {
      String reason = reasonOf(done.cause());
      int failures = retries.containsKey(id) ? retries.get(id).failures() + 1 : 1;
      Duration delay = RETRY.delay(failures);
      retries.put(id, new Retry(failures, clock.instant().plus(delay)));
      table.put(ReplicaStatus.of(current, ReplicaState.FAILED, reason, 0));
      log.warn("replica {} failed: {} (attempt {}, next in {} s)", id, reason, failures, delay.toSeconds());
    }
    onChange.run();
    reconcile();
  }

  private static String reasonOf(Throwable failure) {
    if (failure instanceof ArtifactException || failure instanceof ModelLoadException) {
      return failure.getMessage();
    }
    log.error("unexpected failure while preparing a replica", failure);
    return "internal error: " + failure;
  }

  private void unload(String id) {
    unloading.add(id);
    vertx
        .executeBlocking(() -> {
          runtime.unload(id);
          return null;
        }, false)
        .onComplete(done -> {
          unloading.remove(id);
          if (done.failed()) {
            log.warn("unloading replica {} failed", id, done.cause());
          }
          reconcile();
        });
  }

  /** Stops acting and unloads every loaded replica; loads in flight are dropped when they finish. */
  public Future<Void> stop() {
    stopped = true;
    desired = Map.of();
    List<String> ids = List.copyOf(loaded.keySet());
    loaded.clear();
    return vertx.executeBlocking(() -> {
      ids.forEach(runtime::unload);
      return null;
    });
  }
}
