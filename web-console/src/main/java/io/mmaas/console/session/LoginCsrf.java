package io.mmaas.console.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF for the sign-in form, before any session exists: the browser gets a short-lived pre-session cookie
 * ({@code <issued epoch second>.<random>}) and the form a token that is the HMAC of that value under a key
 * known only to this process. A page on another site can neither read the cookie nor compute the token, and a
 * cookie planted by someone else is useless without the matching token. Nothing is stored on the server, so
 * loading the sign-in page costs no memory.
 */
public final class LoginCsrf {
  /** How long a sign-in form stays usable. */
  public static final Duration TTL = Duration.ofMinutes(15);
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})\\.[A-Za-z0-9_-]{43}");

  private final byte[] key;
  private final Clock clock;

  public LoginCsrf(byte[] key, Clock clock) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the key needs at least 32 bytes");
    }
    this.key = key.clone();
    this.clock = clock;
  }

  /** With a random key: forms issued before a restart stop working, which costs a reload. */
  public static LoginCsrf withRandomKey(Clock clock) {
    return new LoginCsrf(RandomTokens.key(), clock);
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
    return RandomTokens.equal(formToken(preSession), formToken);
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
