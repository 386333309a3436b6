package io.mmaas.agent.sync;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Observed state of every replica the agent knows, keyed by replica id. The reconciler writes it; heartbeats and
 * the serving API read it from any thread.
 */
public final class ReplicaTable {
  private final ConcurrentMap<String, ReplicaStatus> statuses = new ConcurrentHashMap<>();

  /** Records {@code status}; returns true when it differs from what was there. */
  public boolean put(ReplicaStatus status) {
    return !status.equals(statuses.put(status.replicaId(), status));
  }

  /** Forgets the replica; returns true when it was known. */
  public boolean remove(String replicaId) {
    return statuses.remove(replicaId) != null;
  }

  public Optional<ReplicaStatus> find(String replicaId) {
    return Optional.ofNullable(statuses.get(replicaId));
  }

  /** Every status, ordered by replica id. */
  public List<ReplicaStatus> all() {
    return statuses.values().stream().sorted(Comparator.comparing(ReplicaStatus::replicaId)).toList();
  }
}
