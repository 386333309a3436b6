package io.mmaas.console.session;

import io.mmaas.console.api.SignIn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions, in memory: a session ends when its user signs out, after {@link #IDLE_TIMEOUT} without
 * a request, when its API token expires, or after {@link #MAX_LIFETIME} at the latest. A restart signs everyone
 * out, which costs them one sign-in; the store holds no credential that outlives its token.
 */
public final class SessionStore {
  public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration MAX_LIFETIME = Duration.ofHours(12);

  private final Map<String, ConsoleSession> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  public SessionStore(Clock clock) {
    this.clock = clock;
  }

  /** A new session under a new random id: an id from before sign-in is never carried over. */
  public ConsoleSession create(SignIn signIn) {
    Instant now = clock.instant();
    Instant cap = now.plus(MAX_LIFETIME);
    Instant expiresAt = signIn.expiresAt().isBefore(cap) ? signIn.expiresAt() : cap;
    ConsoleSession session = new ConsoleSession(RandomTokens.next(), signIn.token(), signIn.user(),
        RandomTokens.next(), expiresAt, now);
    sessions.put(session.id(), session);
    return session;
  }

  /** The live session with this id, marked as used now; null when there is none or it has expired. */
  public ConsoleSession find(String id) {
    if (id == null) {
      return null;
    }
    ConsoleSession session = sessions.get(id);
    if (session == null) {
      return null;
    }
    Instant now = clock.instant();
    if (session.expired(now, IDLE_TIMEOUT)) {
      sessions.remove(id, session);
      return null;
    }
    session.touch(now);
    return session;
  }

  public void remove(ConsoleSession session) {
    sessions.remove(session.id(), session);
  }

  /** Drops expired sessions; returns how many. */
  public int sweep() {
    Instant now = clock.instant();
    int before = sessions.size();
    sessions.values().removeIf(s -> s.expired(now, IDLE_TIMEOUT));
    return before - sessions.size();
  }

  public int size() {
    return sessions.size();
  }
}
