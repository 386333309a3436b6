package io.mmaas.controlplane.gateway;

/**
 * A token bucket: {@code ratePerSecond} tokens a second up to {@code burst}. Its parameters can change while in use
 * (a quota change, or this replica's share of the rate changing as gateway replicas come and go).
 */
final class TokenBucket {
  private double rate;
  private double capacity;
  private double tokens;
  private long lastNanos;

  TokenBucket(double ratePerSecond, double burst, long nowNanos) {
    this.rate = ratePerSecond;
    this.capacity = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Takes one token: 0 when granted, otherwise the nanoseconds until one will be available. */
  synchronized long take(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / rate * 1e9);
  }

  synchronized void reconfigure(double ratePerSecond, double burst, long nowNanos) {
    if (ratePerSecond == rate && burst == capacity) {
      return;
    }
    refill(nowNanos);
    rate = ratePerSecond;
    capacity = burst;
    tokens = Math.min(tokens, capacity);
  }

  synchronized long remaining(long nowNanos) {
    refill(nowNanos);
    return (long) tokens;
  }

  private void refill(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * rate / 1e9);
      lastNanos = nowNanos;
    }
  }
}
