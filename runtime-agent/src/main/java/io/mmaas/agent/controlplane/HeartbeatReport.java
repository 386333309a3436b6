package io.mmaas.agent.controlplane;

import io.mmaas.agent.sync.ReplicaStatus;
import java.util.List;

/**
 * The observed state one heartbeat carries.
 *
 * @param generation generation of the last desired state applied; 0 before the first
 */
public record HeartbeatReport(
    String agentId,
    String servingUrl,
    long generation,
    String executionProvider,
    Capabilities capabilities,
    List<ReplicaStatus> replicas) {
  public HeartbeatReport {
    replicas = List.copyOf(replicas);
  }
}
