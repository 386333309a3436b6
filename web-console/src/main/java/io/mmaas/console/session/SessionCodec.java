package io.mmaas.console.session;

import io.mmaas.console.api.ApiUser;
import io.mmaas.console.api.SignIn;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a {@link ConsoleSession} into the sealed value of the session cookie and back ({@link CookieSeal}, purpose
 * {@value #PURPOSE}). Nothing is kept on the server, so a session survives a restart and works on every replica that
 * has the same keys. A session ends when its user signs out (the admin API ends the token; the browser forgets the
 * cookie), after {@link #IDLE_TIMEOUT} without a request, when its API token expires, or after {@link #MAX_LIFETIME}
 * at the latest; the times are inside the seal, so neither can be stretched by editing the cookie. A cookie that is
 * tampered with, sealed under an unknown key, expired or malformed opens to null. A revoked token (signed out
 * elsewhere, password changed, user disabled) is the admin API's to refuse: the console then ends the session.
 */
public final class SessionCodec {
  public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration MAX_LIFETIME = Duration.ofHours(12);
  /** How often a used session's cookie is sealed anew to move its idle deadline (not on every request). */
  static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
  /** Longer notices are cut, so that they never push the cookie past its size. */
  static final int MAX_NOTICE_CHARS = 400;
  static final String PURPOSE = "session";

  private final CookieSeal seal;
  private final Clock clock;

  public SessionCodec(SessionKeys keys, Clock clock) {
    this.seal = new CookieSeal(keys);
    this.clock = clock;
  }

  /** A new session for this sign-in, with a new CSRF token; nothing from before sign-in is carried over. */
  public ConsoleSession create(SignIn signIn) {
    Instant now = clock.instant();
    Instant cap = now.plus(MAX_LIFETIME);
    Instant expiresAt = signIn.expiresAt().isBefore(cap) ? signIn.expiresAt() : cap;
    ConsoleSession session = new ConsoleSession(signIn.token(), signIn.user(), RandomTokens.next(), expiresAt, now,
        null);
    session.markChanged();
    return session;
  }

  /** The live session sealed in this cookie value, marked as used now; null when it does not open or has expired. */
  public ConsoleSession open(String value) {
    byte[] plain = seal.open(PURPOSE, value);
    if (plain == null) {
      return null;
    }
    ConsoleSession session;
    try {
      session = fromJson(new JsonObject(new String(plain, StandardCharsets.UTF_8)));
    } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException
        | java.time.DateTimeException e) {
      return null;
    }
    Instant now = clock.instant();
    if (session.expired(now, IDLE_TIMEOUT) || session.lastSeen().isAfter(now.plus(TOUCH_INTERVAL))) {
      return null;
    }
    session.touch(now, TOUCH_INTERVAL);
    return session;
  }

  /**
   * The cookie value for this session. A notice that would make it too long is dropped; a session too long even
   * without one (an API token of kilobytes) cannot be kept in a cookie.
   *
   * @throws IllegalStateException when the session does not fit in {@link CookieSeal#MAX_VALUE_CHARS}
   */
  public String seal(ConsoleSession session) {
    String value = seal.seal(PURPOSE, toJson(session, true).encode().getBytes(StandardCharsets.UTF_8));
    if (value.length() > CookieSeal.MAX_VALUE_CHARS && session.pendingNotice() != null) {
      value = seal.seal(PURPOSE, toJson(session, false).encode().getBytes(StandardCharsets.UTF_8));
    }
    if (value.length() > CookieSeal.MAX_VALUE_CHARS) {
      throw new IllegalStateException("the session of " + session.user().username() + " needs " + value.length()
          + " characters sealed, more than a cookie holds (" + CookieSeal.MAX_VALUE_CHARS + ")");
    }
    return value;
  }

  private static JsonObject toJson(ConsoleSession s, boolean withNotice) {
    ApiUser u = s.user();
    JsonObject json = new JsonObject()
        .put("v", 1)
        .put("t", s.token())
        .put("u", new JsonObject().put("id", u.id()).put("n", u.username()).put("r", u.role()).put("g", u.tenant()))
        .put("c", s.csrfToken())
        .put("e", s.expiresAt().getEpochSecond())
        .put("s", s.lastSeen().getEpochSecond());
    Notice n = s.pendingNotice();
    if (withNotice && n != null) {
      String text = n.text() == null ? "" : n.text();
      json.put("n", new JsonObject().put("ok", n.ok())
          .put("x", text.length() > MAX_NOTICE_CHARS ? text.substring(0, MAX_NOTICE_CHARS - 1) + "…" : text));
    }
    return json;
  }

  private static ConsoleSession fromJson(JsonObject json) {
    if (json.getInteger("v", 0) != 1) {
      throw new IllegalArgumentException("unknown session format");
    }
    JsonObject u = json.getJsonObject("u");
    ApiUser user = new ApiUser(u.getString("id"), required(u.getString("n")), required(u.getString("r")),
        u.getString("g"));
    JsonObject n = json.getJsonObject("n");
    Notice notice = n == null ? null : new Notice(n.getBoolean("ok", false), n.getString("x", ""));
    return new ConsoleSession(required(json.getString("t")), user, required(json.getString("c")),
        Instant.ofEpochSecond(json.getLong("e")), Instant.ofEpochSecond(json.getLong("s")), notice);
  }

  private static String required(String s) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException("a required field is missing");
    }
    return s;
  }
}
