package io.mmaas.agent.sync;

import java.util.Objects;

/**
 * What the agent observes about one replica, in the style of a Kubernetes condition.
 *
 * @param reason why it is in this state (null when there is nothing to say)
 * @param memoryBytes memory attributed at load; 0 until READY
 * @param servingUrl where the gateway reaches it (its model host); null until READY
 * @param quarantined it crashed its host too often and is not loaded again (FAILED, with the reason)
 * @param retry the desired state's retry count this status was observed under: a quarantine reported with an older
 *     count than the control plane's (an admin asked to retry meanwhile) is not recorded again
 */
public record ReplicaStatus(
    String replicaId, String modelName, long version, ReplicaState state, String reason, long memoryBytes,
    String servingUrl, boolean quarantined, int retry) {
  public ReplicaStatus {
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(state, "state");
  }

  /** A status without a serving URL (a replica served in this process, as in tests of the serving layer). */
  public ReplicaStatus(String replicaId, String modelName, long version, ReplicaState state, String reason,
      long memoryBytes) {
    this(replicaId, modelName, version, state, reason, memoryBytes, null, false, 0);
  }

  static ReplicaStatus of(DesiredReplica replica, ReplicaState state, String reason, long memoryBytes) {
    return new ReplicaStatus(replica.replicaId(), replica.modelName(), replica.version(), state, reason, memoryBytes,
        null, false, replica.retry());
  }

  static ReplicaStatus ready(DesiredReplica replica, String reason, long memoryBytes, String servingUrl) {
    return new ReplicaStatus(replica.replicaId(), replica.modelName(), replica.version(), ReplicaState.READY, reason,
        memoryBytes, servingUrl, false, replica.retry());
  }

  static ReplicaStatus quarantined(DesiredReplica replica, String reason) {
    return new ReplicaStatus(replica.replicaId(), replica.modelName(), replica.version(), ReplicaState.FAILED,
        reason, 0, null, true, replica.retry());
  }
}
