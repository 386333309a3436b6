package io.mmaas.console.session;

import io.mmaas.console.api.ApiUser;
import java.time.Duration;
import java.time.Instant;

/**
 * One signed-in user's session: the admin API token the console calls with on their behalf, who they are, the CSRF
 * token their forms must carry, and a one-time notice. It lives sealed in the browser's session cookie
 * ({@link SessionCodec}), so any console replica (or this one after a restart) can open it; the admin API stays the
 * authority on whether the token still works.
 */
public final class ConsoleSession {
  private final String token;
  private final ApiUser user;
  private final String csrfToken;
  private final Instant expiresAt;
  private Instant lastSeen;
  private Notice notice;
  private boolean changed;

  ConsoleSession(String token, ApiUser user, String csrfToken, Instant expiresAt, Instant lastSeen, Notice notice) {
    this.token = token;
    this.user = user;
    this.csrfToken = csrfToken;
    this.expiresAt = expiresAt;
    this.lastSeen = lastSeen;
    this.notice = notice;
  }

  /** Leaves a message for the next page this user sees. */
  public void notice(Notice next) {
    notice = next;
    changed = true;
  }

  /** The waiting message, once; null when there is none. */
  public Notice takeNotice() {
    Notice n = notice;
    if (n != null) {
      notice = null;
      changed = true;
    }
    return n;
  }

  /** The user's bearer token for the admin API; never log it. */
  public String token() {
    return token;
  }

  /** Who signed in, as the API said at sign-in. */
  public ApiUser user() {
    return user;
  }

  public String csrfToken() {
    return csrfToken;
  }

  Instant expiresAt() {
    return expiresAt;
  }

  Instant lastSeen() {
    return lastSeen;
  }

  Notice pendingNotice() {
    return notice;
  }

  boolean expired(Instant now, Duration idleTimeout) {
    return !now.isBefore(expiresAt) || !now.isBefore(lastSeen.plus(idleTimeout));
  }

  /** Marks the session used now when it was last marked at least {@code every} ago (the cookie is then sealed anew). */
  void touch(Instant now, Duration every) {
    if (!now.isBefore(lastSeen.plus(every))) {
      lastSeen = now;
      changed = true;
    }
  }

  /** Whether the cookie needs sealing anew: the session is new, was touched, or its notice changed. */
  boolean changed() {
    return changed;
  }

  void markChanged() {
    changed = true;
  }

  @Override
  public String toString() {
    return "ConsoleSession{user=" + user.username() + ", expiresAt=" + expiresAt + "}";
  }
}
