package io.mmaas.controlplane.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Slows password guessing without letting an attacker lock a user out. Three counters of recent failures (15-minute
 * window): per account and source, per source, and per account from all sources.
 * <ul>
 *   <li>account + source: after 5 failures, a wait that doubles with each further failure (1 s … 15 min);</li>
 *   <li>source: after 50 failures, 15 minutes;</li>
 *   <li>account from anywhere: after 20 failures, at most one attempt per 2 seconds — slow enough to stop online
 *       guessing, short enough that the real user, from another source, still gets in.</li>
 * </ul>
 * An attempt counts as a failure the moment {@link #check} lets it through, before its password is hashed, and under
 * one lock: a parallel burst gets exactly as many attempts as a sequential one. {@link #succeeded} takes a
 * successful attempt back out. The same rules apply to unknown usernames, so a throttled answer reveals nothing.
 * IPv6 sources count per /64 (one host can hold a whole /64).
 *
 * <p>Memory is bounded: each counter kind keeps at most a fixed number of keys (least recently failed first out;
 * expired keys go first, then keys not yet throttling, and a throttling key only when the oldest 64 all are). Pairs
 * and sources, which an attacker can mint freely, live apart from accounts, so a flood of new sources never pushes
 * out an account's recent failures, and a flood of new usernames pushes out cold ones first. Per control-plane replica (in memory): with N replicas an attacker gets at most N times the budget.
 */
public final class SignInThrottle {
  static final Duration WINDOW = Duration.ofMinutes(15);
  static final int PAIR_FREE = 5;
  static final int SOURCE_LIMIT = 50;
  static final int ACCOUNT_SLOW = 20;
  static final long ACCOUNT_SPACING_MS = 2_000;
  static final long MAX_PAIR_WAIT_MS = WINDOW.toMillis();
  static final int MAX_ACCOUNTS = 50_000;
  static final int MAX_PAIRS = 100_000;
  static final int MAX_SOURCES = 50_000;

  private final Clock clock;
  // the backoff stops growing at 15 min = 2^10 s past PAIR_FREE: 16 recent failures per pair are all it needs
  private final Counters pairs = new Counters(MAX_PAIRS, 16, PAIR_FREE);
  private final Counters sources = new Counters(MAX_SOURCES, SOURCE_LIMIT, SOURCE_LIMIT);
  private final Counters accounts = new Counters(MAX_ACCOUNTS, ACCOUNT_SLOW, ACCOUNT_SLOW);

  public SignInThrottle(Clock clock) {
    this.clock = clock;
  }

  /**
   * Milliseconds to wait before this attempt is allowed; 0 when it may go ahead now, in which case it is already
   * counted as a failure (call {@link #succeeded} when the password turns out right).
   */
  public synchronized long check(String username, String source) {
    long now = clock.millis();
    String account = account(username);
    String src = source(source);
    String pair = account + "|" + src;
    long windowStart = now - WINDOW.toMillis();
    long wait = 0;
    Failures p = pairs.get(pair, windowStart);
    if (p != null && p.size() >= PAIR_FREE) {
      long backoff = Math.min(MAX_PAIR_WAIT_MS, 1000L << Math.min(20, p.size() - PAIR_FREE));
      wait = Math.max(wait, p.newest() + backoff - now);
    }
    Failures s = sources.get(src, windowStart);
    if (s != null && s.size() >= SOURCE_LIMIT) {
      wait = Math.max(wait, s.oldest() + WINDOW.toMillis() - now);
    }
    Failures a = accounts.get(account, windowStart);
    if (a != null && a.size() >= ACCOUNT_SLOW) {
      wait = Math.max(wait, a.newest() + ACCOUNT_SPACING_MS - now);
    }
    if (wait > 0) {
      return wait;
    }
    pairs.add(pair, now);
    sources.add(src, now);
    accounts.add(account, now);
    return 0;
  }

  /** A right password: the attempt is not a failure after all, and this account's failures from here are cleared. */
  public synchronized void succeeded(String username, String source) {
    String account = account(username);
    String src = source(source);
    pairs.remove(account + "|" + src);
    sources.dropNewest(src);
    accounts.dropNewest(account);
  }

  /** Keys held now, per kind (for tests and metrics). */
  synchronized int size() {
    return pairs.map.size() + sources.map.size() + accounts.map.size();
  }

  private static String account(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  /** IPv6 addresses by their /64; anything else as it is. */
  static String source(String source) {
    if (source == null || source.indexOf(':') < 0) {
      return source == null ? "-" : source;
    }
    String[] groups = source.split(":", -1);
    if (groups.length < 8 || source.contains("::")) {
      return source; // not the full form Callers produces; keep it whole rather than guess
    }
    return groups[0] + ":" + groups[1] + ":" + groups[2] + ":" + groups[3] + "::/64";
  }

  /**
   * One kind of counter: keys in order of their last failure (oldest first), at most {@code maxKeys}. When full, the
   * oldest key that is not yet throttling ({@code hot} failures) makes room; only when the oldest few are all
   * throttling does the oldest of them go.
   */
  private static final class Counters {
    private static final int SCAN = 64;
    final LinkedHashMap<String, Failures> map = new LinkedHashMap<>();
    final int maxKeys;
    final int depth;
    final int hot;

    Counters(int maxKeys, int depth, int hot) {
      this.maxKeys = maxKeys;
      this.depth = depth;
      this.hot = hot;
    }

    Failures get(String key, long windowStart) {
      dropExpired(windowStart);
      Failures f = map.get(key);
      if (f != null) {
        f.expire(windowStart);
        if (f.size() == 0) {
          map.remove(key);
          return null;
        }
      }
      return f;
    }

    void add(String key, long now) {
      Failures f = map.remove(key); // re-inserted at the end: the most recent failure
      if (f == null) {
        f = new Failures(depth);
        if (map.size() >= maxKeys) {
          evictOne();
        }
      }
      f.add(now);
      map.put(key, f);
    }

    void remove(String key) {
      map.remove(key);
    }

    private void evictOne() {
      String victim = null;
      int i = 0;
      for (Map.Entry<String, Failures> e : map.entrySet()) {
        if (victim == null) {
          victim = e.getKey(); // the oldest, if all scanned keys are hot
        }
        if (e.getValue().size() < hot) {
          victim = e.getKey();
          break;
        }
        if (++i >= SCAN) {
          break;
        }
      }
      map.remove(victim);
    }

    void dropNewest(String key) {
      Failures f = map.get(key);
      if (f != null) {
        f.dropNewest();
        if (f.size() == 0) {
          map.remove(key);
        }
      }
    }

    /** Keys at the head whose newest failure left the window hold nothing any more. */
    private void dropExpired(long windowStart) {
      Iterator<Map.Entry<String, Failures>> it = map.entrySet().iterator();
      for (int i = 0; i < 8 && it.hasNext(); i++) {
        if (it.next().getValue().newest() >= windowStart) {
          return;
        }
        it.remove();
      }
    }
  }

  /** The most recent failure times of one key, oldest first, in a ring of fixed depth. */
  private static final class Failures {
    private final long[] times;
    private int start;
    private int size;

    Failures(int depth) {
      times = new long[depth];
    }

    int size() {
      return size;
    }

    long oldest() {
      return times[start];
    }

    long newest() {
      return size == 0 ? Long.MIN_VALUE : times[(start + size - 1) % times.length];
    }

    void add(long t) {
      if (size == times.length) {
        start = (start + 1) % times.length;
        size--;
      }
      times[(start + size) % times.length] = t;
      size++;
    }

    void dropNewest() {
      if (size > 0) {
        size--;
      }
    }

    void expire(long windowStart) {
      while (size > 0 && times[start] < windowStart) {
        start = (start + 1) % times.length;
        size--;
      }
    }
  }
}
