package io.mmaas.agent.sync;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The control plane's answer to a heartbeat: the replicas this agent should run, stamped with a generation that
 * only grows, and how long to wait before the next heartbeat.
 */
public record DesiredState(long generation, Duration heartbeatInterval, List<DesiredReplica> replicas) {
  public DesiredState {
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    replicas = List.copyOf(replicas);
  }
}
