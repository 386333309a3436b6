package io.mmaas.agent.oip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The secret the gateway presents as {@code Authorization: Bearer <servingKey>}. Unset until enrollment, and then
 * every guarded request is refused. The presented key's bytes are compared with {@link MessageDigest#isEqual}, whose
 * time depends only on the length of the expected key (its first argument), not on where the keys differ nor on the
 * presented key's length: no per-request hash needed.
 */
public final class ServingKey {
  private static final String BEARER = "Bearer ";

  private volatile byte[] expected;

  public void set(String key) {
    expected = key.getBytes(StandardCharsets.UTF_8);
  }

  public boolean isSet() {
    return expected != null;
  }

  /** True when the Authorization header value carries the key. */
  public boolean matches(String authorization) {
    byte[] expected = this.expected;
    if (expected == null || authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    return presented.length > 0 && MessageDigest.isEqual(expected, presented);
  }
}
