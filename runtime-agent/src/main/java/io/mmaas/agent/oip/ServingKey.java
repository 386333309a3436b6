package io.mmaas.agent.oip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The secret the gateway presents as {@code Authorization: Bearer <servingKey>}. Unset until enrollment, and then
 * every guarded request is refused. Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the
 * comparison time depends neither on where the keys differ nor on their lengths.
 */
public final class ServingKey {
  private static final String BEARER = "Bearer ";

  private volatile byte[] digest;

  public void set(String key) {
    digest = sha256(key);
  }

  public boolean isSet() {
    return digest != null;
  }

  /** True when the Authorization header value carries the key. */
  public boolean matches(String authorization) {
    byte[] expected = digest;
    if (expected == null || authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(authorization.substring(BEARER.length()).trim()));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
