package io.mmaas.console.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF for the sign-in form, before any session exists: the browser gets a short-lived pre-session cookie
 * ({@code <issued epoch second>.<random>}) and the form a token that is the HMAC of that value under a key
 * known only to the console (derived from {@link SessionKeys}, so every replica knows it). A page on another site
 * can neither read the cookie nor compute the token, and a cookie planted by someone else is useless without the
 * matching token. Nothing is stored on the server, so loading the sign-in page costs no memory.
 */
public final class LoginCsrf {
  /** How long a sign-in form stays usable. */
  public static final Duration TTL = Duration.ofMinutes(15);
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})\\.[A-Za-z0-9_-]{43}");

  private final List<byte[]> keys;
  private final Clock clock;

  public LoginCsrf(byte[] key, Clock clock) {
    this(List.of(key), clock);
  }

  /** The first key makes form tokens; all are accepted, so forms survive a key rotation. */
  public LoginCsrf(List<byte[]> keys, Clock clock) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one key is needed");
    }
    List<byte[]> copies = new ArrayList<>();
    for (byte[] key : keys) {
      if (key.length < 32) {
        throw new IllegalArgumentException("the key needs at least 32 bytes");
      }
      copies.add(key.clone());
    }
    this.keys = List.copyOf(copies);
    this.clock = clock;
  }

  /** With a random key: forms issued before a restart stop working, which costs a reload. */
  public static LoginCsrf withRandomKey(Clock clock) {
    return new LoginCsrf(RandomTokens.key(), clock);
  }

  /** Keyed from the session keys, so a form loaded from one console replica may be sent to another. */
  public static LoginCsrf withKeys(SessionKeys keys, Clock clock) {
    return new LoginCsrf(keys.all().stream().map(SessionKeys.Key::loginHmac).toList(), clock);
  }

  String newPreSession() {
    return clock.instant().getEpochSecond() + "." + RandomTokens.next();
  }

  /** Whether a pre-session may be handed out again: valid, and at most half its life gone. */
  boolean reusable(String preSession) {
    long age = age(preSession);
    return age >= 0 && age <= TTL.toSeconds() / 2;
  }

  String formToken(String preSession) {
    return formToken(keys.get(0), preSession);
  }

  private static String formToken(byte[] key, String preSession) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return RandomTokens.encode(mac.doFinal(("login-form:" + preSession).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** True when the pre-session is well formed and unexpired and the form's token is its HMAC. */
  boolean verify(String preSession, String formToken) {
    if (formToken == null || age(preSession) < 0) {
      return false;
    }
    boolean ok = false;
    for (byte[] key : keys) {
      ok |= RandomTokens.equal(formToken(key, preSession), formToken);
    }
    return ok;
  }

  /** Seconds since the pre-session was issued, or -1 when it is malformed, expired or from the future. */
  private long age(String preSession) {
    if (preSession == null) {
      return -1;
    }
    Matcher m = FORMAT.matcher(preSession);
    if (!m.matches()) {
      return -1;
    }
    long age = clock.instant().getEpochSecond() - Long.parseLong(m.group(1));
    return age < 0 || age >= TTL.toSeconds() ? -1 : age;
  }
}
