package io.mmaas.controlplane.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing without letting an attacker lock a user out. Three counters of recent failures (15-minute
 * window): per account and source, per source, and per account from all sources.
 * <ul>
 *   <li>account + source: after 5 failures, a wait that doubles with each further failure (1 s … 15 min);</li>
 *   <li>source: after 50 failures, 15 minutes;</li>
 *   <li>account from anywhere: after 20 failures, at most one attempt per 2 seconds — slow enough to stop online
 *       guessing, short enough that the real user, from another source, still gets in.</li>
 * </ul>
 * The same rules apply to unknown usernames, so a throttled answer reveals nothing. Per control-plane replica
 * (in memory): with N replicas an attacker gets at most N times the budget.
 */
public final class SignInThrottle {
  static final Duration WINDOW = Duration.ofMinutes(15);
  static final int PAIR_FREE = 5;
  static final int SOURCE_LIMIT = 50;
  static final int ACCOUNT_SLOW = 20;
  static final long ACCOUNT_SPACING_MS = 2_000;
  static final long MAX_PAIR_WAIT_MS = WINDOW.toMillis();
  private static final int MAX_KEYS = 100_000;

  private final Clock clock;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();
  private final Map<String, Long> lastAttempt = new ConcurrentHashMap<>();

  public SignInThrottle(Clock clock) {
    this.clock = clock;
  }

  /** Milliseconds to wait before this attempt is allowed; 0 when it may go ahead now. Records the attempt. */
  public long check(String username, String source) {
    long now = clock.millis();
    String account = "a:" + username.toLowerCase(java.util.Locale.ROOT);
    String pair = "p:" + account + "|" + source;
    String src = "s:" + source;
    long wait = 0;
    Deque<Long> pairFailures = recent(pair, now);
    if (pairFailures.size() >= PAIR_FREE) {
      long backoff = Math.min(MAX_PAIR_WAIT_MS, 1000L << Math.min(20, pairFailures.size() - PAIR_FREE));
      wait = Math.max(wait, pairFailures.peekLast() + backoff - now);
    }
    Deque<Long> sourceFailures = recent(src, now);
    if (sourceFailures.size() >= SOURCE_LIMIT) {
      wait = Math.max(wait, sourceFailures.peekFirst() + WINDOW.toMillis() - now);
    }
    if (recent(account, now).size() >= ACCOUNT_SLOW) {
      Long last = lastAttempt.get(account);
      if (last != null) {
        wait = Math.max(wait, last + ACCOUNT_SPACING_MS - now);
      }
    }
    if (wait <= 0) {
      lastAttempt.put(account, now);
    }
    return Math.max(0, wait);
  }

  public void failed(String username, String source) {
    long now = clock.millis();
    if (failures.size() > MAX_KEYS) {
      failures.clear();
      lastAttempt.clear();
    }
    String account = "a:" + username.toLowerCase(java.util.Locale.ROOT);
    for (String key : new String[] {account, "p:" + account + "|" + source, "s:" + source}) {
      Deque<Long> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
      synchronized (d) {
        d.addLast(now);
        if (d.size() > 1000) {
          d.removeFirst();
        }
      }
    }
  }

  /** A success clears the failures of this account from this source. */
  public void succeeded(String username, String source) {
    failures.remove("p:a:" + username.toLowerCase(java.util.Locale.ROOT) + "|" + source);
  }

  private Deque<Long> recent(String key, long now) {
    Deque<Long> d = failures.get(key);
    if (d == null) {
      return new ArrayDeque<>();
    }
    synchronized (d) {
      while (!d.isEmpty() && d.peekFirst() < now - WINDOW.toMillis()) {
        d.removeFirst();
      }
      return new ArrayDeque<>(d);
    }
  }
}
