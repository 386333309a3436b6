package io.mmaas.console.session;

import io.mmaas.console.api.ApiUser;
import java.time.Instant;

/**
 * One signed-in user's server-side session: the admin API token the console calls with on their behalf, who
 * they are, and the CSRF token their forms must carry. The browser holds only the random id.
 */
public final class ConsoleSession {
  private final String id;
  private final String token;
  private final ApiUser user;
  private final String csrfToken;
  private final Instant expiresAt;
  private volatile Instant lastSeen;
  private volatile Notice notice;

  ConsoleSession(String id, String token, ApiUser user, String csrfToken, Instant expiresAt, Instant now) {
    this.id = id;
    this.token = token;
    this.user = user;
    this.csrfToken = csrfToken;
    this.expiresAt = expiresAt;
    this.lastSeen = now;
  }

  /** Leaves a message for the next page this user sees. */
  public void notice(Notice next) {
    notice = next;
  }

  /** The waiting message, once; null when there is none. */
  public Notice takeNotice() {
    Notice n = notice;
    notice = null;
    return n;
  }

  String id() {
    return id;
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

  boolean expired(Instant now, java.time.Duration idleTimeout) {
    return !now.isBefore(expiresAt) || !now.isBefore(lastSeen.plus(idleTimeout));
  }

  void touch(Instant now) {
    lastSeen = now;
  }

  @Override
  public String toString() {
    return "ConsoleSession{user=" + user.username() + ", expiresAt=" + expiresAt + "}";
  }
}
