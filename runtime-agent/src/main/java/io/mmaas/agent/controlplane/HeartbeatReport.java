package io.mmaas.agent.controlplane;

import io.mmaas.agent.sync.ReplicaStatus;
import java.util.List;

/**
 * The observed state one heartbeat carries.
 *
 * @param generation generation of the last desired state applied; 0 before the first
 * @param servingKeyGeneration the serving key generation the agent and all its model hosts accept now
 */
public record HeartbeatReport(
    String agentId,
    String servingUrl,
    long generation,
    String executionProvider,
    Capabilities capabilities,
    List<ReplicaStatus> replicas,
    int servingKeyGeneration) {
  public HeartbeatReport {
    replicas = List.copyOf(replicas);
  }

  public HeartbeatReport(String agentId, String servingUrl, long generation, String executionProvider,
                         Capabilities capabilities, List<ReplicaStatus> replicas) {
    this(agentId, servingUrl, generation, executionProvider, capabilities, replicas, 0);
  }
}
