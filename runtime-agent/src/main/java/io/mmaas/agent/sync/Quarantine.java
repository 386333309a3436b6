package io.mmaas.agent.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Counts the host crashes put down to each replica; a replica that crashed its host {@code crashes} times within
 * {@code window} is quarantined: not loaded again (here or, once the control plane has recorded it, anywhere) until a
 * new version replaces it or an admin asks to retry (a higher {@code retry} number in the desired state).
 */
public final class Quarantine {
  private final int crashes;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> history = new HashMap<>();
  private final Map<String, Quarantined> quarantined = new HashMap<>();

  private record Quarantined(String reason, int retry) {}

  public Quarantine(int crashes, Duration window, Clock clock) {
    if (crashes < 1) {
      throw new IllegalArgumentException("crashes must be at least 1");
    }
    this.crashes = crashes;
    this.window = window;
    this.clock = clock;
  }

  /**
   * Records one crash of the replica's host while it ran ({@code cause}, e.g. "SIGFPE during inference").
   *
   * @return the quarantine reason when this crash quarantines it, else empty
   */
  public Optional<String> crashed(String replicaId, String cause, int retry) {
    Instant now = clock.instant();
    Deque<Instant> times = history.computeIfAbsent(replicaId, id -> new ArrayDeque<>());
    times.addLast(now);
    while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(window))) {
      times.removeFirst();
    }
    if (times.size() < crashes) {
      return Optional.empty();
    }
    String reason = "quarantined: crashed its runtime " + times.size() + " times in " + describe(window) + ": "
        + cause;
    quarantined.put(replicaId, new Quarantined(reason, retry));
    times.clear();
    return Optional.of(reason);
  }

  /** Crashes counted for the replica within the window (0 once it is quarantined). */
  public int crashes(String replicaId) {
    Deque<Instant> times = history.get(replicaId);
    return times == null ? 0 : times.size();
  }

  /** Crashes within the window that quarantine a replica. */
  public int limit() {
    return crashes;
  }

  /** The quarantine reason, if the replica is quarantined and {@code retry} has not lifted it. */
  public Optional<String> reason(String replicaId, int retry) {
    Quarantined q = quarantined.get(replicaId);
    if (q != null && retry > q.retry()) {
      quarantined.remove(replicaId);
      return Optional.empty();
    }
    return Optional.ofNullable(q).map(Quarantined::reason);
  }

  /** Forgets replicas no longer desired. */
  public void retain(Set<String> replicaIds) {
    history.keySet().retainAll(replicaIds);
    quarantined.keySet().retainAll(replicaIds);
  }

  private static String describe(Duration window) {
    long seconds = window.toSeconds();
    return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
  }
}
