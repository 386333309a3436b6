package io.mmaas.agent.sync;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where replicas run: the seam between the reconciler and the model hosts (implemented by
 * {@link io.mmaas.agent.hosts.HostSupervisor}). All methods are called on the agent's context and complete there.
 */
public interface ReplicaHosts {

  /**
   * A replica serving in a host.
   *
   * @param warmUpProblem what went wrong in warm-up (the replica serves anyway), null when nothing did
   */
  record Loaded(long memoryBytes, String servingUrl, String warmUpProblem) {}

  /**
   * A host that died with replicas in it.
   *
   * @param reason how it died, e.g. "SIGFPE"
   * @param replicaIds every replica that was loaded or loading in it
   * @param culprits the replicas that were running when it died, each with the phase ("during inference"), and
   *     whether the crash counts against it (a warm-up on zeros does not)
   */
  record HostLost(String host, String reason, Set<String> replicaIds, Map<String, Culprit> culprits) {}

  /** A replica found running when its host died, and the request it ran where known (else null). */
  record Culprit(String during, boolean counts, boolean syntheticWarmUp, String requestId) {}

  /** Loads the replica into its host (starting the host if needed); fails with the reason to report. */
  Future<Loaded> load(DesiredReplica replica, Path modelFile, boolean syntheticWarmUp);

  /** Unloads the replica; a host left without replicas is stopped. Unknown ids complete at once. */
  Future<Void> unload(String replicaId);

  /** Told (on the agent's context) whenever a host dies with replicas in it. */
  void onLost(Consumer<HostLost> listener);

  /** Stops every host. */
  Future<Void> stop();
}
