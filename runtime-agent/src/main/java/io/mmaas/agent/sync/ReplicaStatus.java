package io.mmaas.agent.sync;

import java.util.Objects;

/**
 * What the agent observes about one replica, in the style of a Kubernetes condition.
 *
 * @param reason why it is in this state (null when there is nothing to say)
 * @param memoryBytes memory attributed at load; 0 until READY
 */
public record ReplicaStatus(
    String replicaId, String modelName, long version, ReplicaState state, String reason, long memoryBytes) {
  public ReplicaStatus {
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(state, "state");
  }

  static ReplicaStatus of(DesiredReplica replica, ReplicaState state, String reason, long memoryBytes) {
    return new ReplicaStatus(replica.replicaId(), replica.modelName(), replica.version(), state, reason, memoryBytes);
  }
}
