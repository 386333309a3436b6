package io.mmaas.agent.sync;

import io.mmaas.agent.artifacts.ArtifactException;
import io.mmaas.agent.artifacts.ArtifactStore;
import io.mmaas.agent.hosts.HostSupervisor;
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
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the local model set toward the desired state (controller pattern): read desired, observe what is loaded
 * or in flight, act (download + load what is missing into its model host, at most {@code maxConcurrentLoads} at a
 * time; unload what is no longer wanted), write status to the {@link ReplicaTable}. A failed replica is retried with
 * backoff measured on the injected {@link Clock}; every heartbeat answer runs a pass, so the agent converges again
 * after a restart or a partition.
 *
 * <p>When a host dies, every replica in it leaves READY at once (reported right away, so the gateway stops routing to
 * it) and is loaded again on the next pass, which restarts the host; the replicas that were running count the crash
 * in the {@link Quarantine}, and a quarantined replica stays FAILED with its reason.
 *
 * <p>All methods run on the agent verticle's context; blocking work goes to worker pools.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));

  private final ReplicaTable table;
  private final ArtifactStore artifacts;
  private final ReplicaHosts hosts;
  private final WorkerExecutor unpackWorkers;
  private final Clock clock;
  private final int maxConcurrentLoads;
  private final Quarantine quarantine;
  private final Runnable onChange;

  private long appliedGeneration;
  private long lastIgnoredGeneration = -1;
  private Map<String, DesiredReplica> desired = Map.of();
  private final Map<String, DesiredReplica> loaded = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> unloading = new HashSet<>();
  private final Map<String, Retry> retries = new HashMap<>();
  /** Replicas whose warm-up on zeros crashed their host: loaded without it from then on. */
  private final Set<String> noSyntheticWarmUp = new HashSet<>();
  private boolean stopped;

  private record Retry(int failures, Instant notBefore) {}

  /**
   * @param unpackWorkers pool that unpacks model archives
   * @param onChange called (on the context) whenever a replica's observed state changed, e.g. to report early
   */
  public Reconciler(
      Vertx vertx,
      ReplicaTable table,
      ArtifactStore artifacts,
      ReplicaHosts hosts,
      WorkerExecutor unpackWorkers,
      Clock clock,
      int maxConcurrentLoads,
      Quarantine quarantine,
      Runnable onChange) {
    this.table = table;
    this.artifacts = artifacts;
    this.hosts = hosts;
    this.unpackWorkers = unpackWorkers;
    this.clock = clock;
    this.maxConcurrentLoads = maxConcurrentLoads;
    this.quarantine = quarantine;
    this.onChange = onChange;
    hosts.onLost(this::hostLost);
  }

  /** Generation of the last desired state applied; 0 before the first. */
  public long appliedGeneration() {
    return appliedGeneration;
  }

  /**
   * Adopts {@code state} by the generation rule: only a generation newer than the one applied may unload or change a
   * replica. A state that is not newer (the same generation again, or an older one: a lagging control-plane
   * replica, or a control plane whose database was restored from an older backup or reset) can only add replicas
   * that are not here yet; everything loaded keeps serving, so a stale or empty answer after an outage unloads
   * nothing. A generation going backwards is logged once; the agent keeps its applied generation (and reports it)
   * until a newer one arrives. Then runs a reconcile pass. Returns false when nothing of the state was adopted.
   */
  public boolean apply(DesiredState state) {
    if (state.generation() > appliedGeneration) {
      log.info("applying desired state generation {} with {} replica(s)", state.generation(), state.replicas().size());
      appliedGeneration = state.generation();
      Map<String, DesiredReplica> next = new LinkedHashMap<>();
      state.replicas().forEach(r -> next.put(r.replicaId(), r));
      desired = next;
      quarantine.retain(next.keySet());
      noSyntheticWarmUp.retainAll(next.keySet());
      reconcile();
      return true;
    }
    if (state.generation() < appliedGeneration && state.generation() != lastIgnoredGeneration) {
      log.warn("the control plane's generation went backwards ({} after {} was applied: a lagging replica, or a "
          + "database restored from an older backup); keeping all {} replica(s) served, adding only new ones, "
          + "until a generation above {} arrives", state.generation(), appliedGeneration, desired.size(),
          appliedGeneration);
      lastIgnoredGeneration = state.generation();
    }
    Map<String, DesiredReplica> next = new LinkedHashMap<>(desired);
    state.replicas().forEach(r -> next.putIfAbsent(r.replicaId(), r));
    if (next.size() == desired.size()) {
      reconcile(); // level-triggered: retries and hosts that died are acted on again
      return false;
    }
    log.info("adding {} replica(s) from desired state generation {} (not newer than {}: nothing is removed)",
        next.size() - desired.size(), state.generation(), appliedGeneration);
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
      Optional<String> quarantined = quarantineReason(want);
      if (quarantined.isPresent()) {
        changed |= table.put(ReplicaStatus.quarantined(want, quarantined.get()));
        continue;
      }
      Retry retry = retries.get(id);
      if (retry != null && now.isBefore(retry.notBefore())) {
        continue;
      }
      if (inFlight.size() >= maxConcurrentLoads) {
        if (retry == null && table.find(id).map(s -> s.state() != ReplicaState.LOADING).orElse(true)) {
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

  /** Why the replica must not be loaded: the agent's own count of crashes, or the control plane's record. */
  private Optional<String> quarantineReason(DesiredReplica want) {
    Optional<String> local = quarantine.reason(want.replicaId(), want.retry());
    if (local.isPresent() || !want.quarantined()) {
      return local;
    }
    return Optional.of(table.find(want.replicaId()).filter(ReplicaStatus::quarantined).map(ReplicaStatus::reason)
        .orElse("quarantined: it crashed its runtime too often; roll out a new version or ask to retry"));
  }

  private boolean releaseUnwanted() {
    boolean changed = false;
    for (String id : new ArrayList<>(loaded.keySet())) {
      DesiredReplica want = desired.get(id);
      if (!loaded.get(id).sameSession(want) || quarantineReason(want).isPresent()) {
        loaded.remove(id);
        unload(id);
        changed |= table.remove(id);
      } else {
        ReplicaStatus now = table.find(id).orElse(null);
        changed |= table.put(ReplicaStatus.ready(want, now == null ? null : now.reason(),
            now == null ? 0 : now.memoryBytes(), now == null ? null : now.servingUrl()));
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
    boolean changed = table.find(id).map(s -> s.state() != ReplicaState.LOADING).orElse(true)
        && table.put(ReplicaStatus.of(want, ReplicaState.DOWNLOADING, null, 0));
    artifacts
        .fetch(want.artifact())
        .compose(file -> want.artifact().archive()
            ? unpackWorkers.executeBlocking(() -> ArchiveUnpacker.unpack(file), false)
            : Future.succeededFuture(file))
        .compose(file -> {
          DesiredReplica current = desired.get(id);
          if (stopped || !want.sameSession(current)) {
            return Future.succeededFuture((ReplicaHosts.Loaded) null);
          }
          ReplicaStatus shown = table.find(id).orElse(null);
          if (shown == null || shown.state() != ReplicaState.LOADING) {
            table.put(ReplicaStatus.of(current, ReplicaState.LOADING, null, 0));
            onChange.run();
          }
          return hosts.load(current, file, !noSyntheticWarmUp.contains(id));
        })
        .onComplete(done -> finish(want, done));
    return changed;
  }

  private void finish(DesiredReplica want, AsyncResult<ReplicaHosts.Loaded> done) {
    String id = want.replicaId();
    inFlight.remove(id);
    DesiredReplica current = desired.get(id);
    boolean wanted = !stopped && want.sameSession(current);
    if (done.succeeded() && done.result() != null) {
      ReplicaHosts.Loaded result = done.result();
      if (wanted) {
        loaded.put(id, want);
        retries.remove(id);
        table.put(ReplicaStatus.ready(current, result.warmUpProblem(), result.memoryBytes(), result.servingUrl()));
      } else {
        unload(id);
      }
    } else if (done.failed() && wanted) {
      Optional<String> quarantined = quarantineReason(current);
      if (quarantined.isPresent()) {
        table.put(ReplicaStatus.quarantined(current, quarantined.get()));
      } else if (done.cause() instanceof HostSupervisor.HostCrashedException) {
        // the host died while this loaded: hostLost has set its status; it loads again at once, paced by the host's
        // restart backoff, and the quarantine count stops a replica that crashes every load
        retries.remove(id);
      } else {
        String reason = reasonOf(done.cause());
        int failures = retries.containsKey(id) ? retries.get(id).failures() + 1 : 1;
        Duration delay = RETRY.delay(failures);
        retries.put(id, new Retry(failures, clock.instant().plus(delay)));
        table.put(ReplicaStatus.of(current, ReplicaState.FAILED, reason, 0));
        log.warn("replica {} failed: {} (attempt {}, next in {} s)", id, reason, failures, delay.toSeconds());
      }
    }
    onChange.run();
    reconcile();
  }

  /**
   * A host died: its replicas leave READY now, the ones that were running count the crash, and the next pass loads
   * them again (restarting the host).
   */
  private void hostLost(ReplicaHosts.HostLost lost) {
    for (String id : lost.replicaIds()) {
      DesiredReplica want = desired.get(id);
      loaded.remove(id);
      if (want == null) {
        table.remove(id);
        continue;
      }
      ReplicaHosts.Culprit culprit = lost.culprits().get(id);
      if (culprit != null && culprit.syntheticWarmUp()) {
        noSyntheticWarmUp.add(id);
      }
      if (culprit != null && culprit.counts()) {
        String cause = lost.reason() + " " + culprit.during();
        Optional<String> quarantined = quarantine.crashed(id, cause, want.retry());
        if (quarantined.isPresent()) {
          log.error("replica {} ({} v{}) is {}", id, want.modelName(), want.version(), quarantined.get());
          table.put(ReplicaStatus.quarantined(want, quarantined.get()));
          continue;
        }
        // loaded again at once (the host's restart backoff paces it); the count stops a crash loop
        retries.remove(id);
        table.put(ReplicaStatus.of(want, ReplicaState.LOADING, "crashed its runtime: " + cause
            + (culprit.requestId() == null ? "" : " of request " + culprit.requestId()) + " ("
            + quarantine.crashes(id) + " of " + quarantine.limit() + " crashes before quarantine); loading it again",
            0));
      } else {
        table.put(ReplicaStatus.of(want, ReplicaState.LOADING,
            "restarting: its model host " + lost.host() + " died (" + lost.reason() + ")", 0));
      }
    }
    onChange.run();
    reconcile();
  }

  private static String reasonOf(Throwable failure) {
    if (failure instanceof ArtifactException || failure instanceof HostSupervisor.HostLoadException
        || failure instanceof HostSupervisor.HostCrashedException
        || failure instanceof io.mmaas.onnx.InvalidModelException) {
      return failure.getMessage();
    }
    log.error("unexpected failure while preparing a replica", failure);
    return "internal error: " + failure;
  }

  private void unload(String id) {
    unloading.add(id);
    hosts.unload(id).onComplete(done -> {
      unloading.remove(id);
      if (done.failed()) {
        log.warn("unloading replica {} failed", id, done.cause());
      }
      reconcile();
    });
  }

  /** Stops acting and stops every host; loads in flight are dropped when they finish. */
  public Future<Void> stop() {
    stopped = true;
    desired = Map.of();
    loaded.clear();
    return hosts.stop();
  }
}
