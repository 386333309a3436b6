package io.mmaas.agent.oip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The secrets the gateway may present as {@code Authorization: Bearer <servingKey>}: the agent's current serving key
 * and, while a rotation overlaps, its previous one. Unset until enrollment, and then every guarded request is
 * refused. Replaced as a whole ({@link #set(List)}), so a request sees either the old set or the new one. The
 * presented key's bytes are compared with each accepted key by {@link MessageDigest#isEqual}, whose time depends only
 * on the length of the expected key (its first argument), not on where the keys differ nor on the presented key's
 * length: no per-request hash needed.
 */
public final class ServingKey {
  private static final String BEARER = "Bearer ";

  private volatile byte[][] accepted;

  public void set(String key) {
    set(List.of(key));
  }

  /** Accepts exactly these keys from now on (the current one first). */
  public void set(List<String> keys) {
    byte[][] next = new byte[keys.size()][];
    for (int i = 0; i < next.length; i++) {
      next[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
    }
    accepted = next;
  }

  public boolean isSet() {
    byte[][] keys = accepted;
    return keys != null && keys.length > 0;
  }

  /** True when the Authorization header value carries one of the accepted keys. */
  public boolean matches(String authorization) {
    byte[][] keys = this.accepted;
    if (keys == null || authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    if (presented.length == 0) {
      return false;
    }
    boolean match = false;
    for (byte[] key : keys) {
      match |= MessageDigest.isEqual(key, presented); // no early exit: every key is compared
    }
    return match;
  }
}
