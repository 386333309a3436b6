package io.mmaas.agent.sync;

import java.time.Duration;
import java.util.Objects;

/** Capped exponential backoff: {@code initial * 2^(failures-1)}, never above {@code max}. */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /** The wait after {@code failures} consecutive failures (1 for the first). */
  public Duration delay(int failures) {
    int doublings = Math.max(0, Math.min(failures - 1, 30));
    Duration delay = initial.multipliedBy(1L << doublings);
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
