package io.mmaas.console.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal the console's cookies, from {@code MMAAS_CONSOLE_SESSION_KEYS} ({@code kid1:secret1,kid2:secret2}):
 * the first seals, all open, so a key is rotated by putting a new one first and dropping the old one once the
 * sessions it sealed have ended (12 hours at most). Every console replica needs the same list. Each secret (at least
 * 32 bytes) yields, by HMAC-SHA256 with a fixed label, one AES-256 key for the session cookie and one HMAC key for the
 * sign-in form's CSRF token, so one secret never keys two algorithms.
 */
public final class SessionKeys {
  /** The shortest secret accepted, in bytes. */
  public static final int MIN_SECRET_BYTES = 32;
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /** One key: its id (written in every cookie it seals) and the two keys derived from its secret. */
  record Key(String id, byte[] aes, byte[] loginHmac) {}

  private final List<Key> keys;
  private final boolean random;

  private SessionKeys(List<Key> keys, boolean random) {
    this.keys = List.copyOf(keys);
    this.random = random;
  }

  /**
   * Parses {@code kid:secret,…}.
   *
   * @throws IllegalArgumentException naming what is wrong, never the secret
   */
  public static SessionKeys parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("MMAAS_CONSOLE_SESSION_KEYS is empty");
    }
    List<Key> keys = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String entry : spec.split(",")) {
      String e = entry.trim();
      int colon = e.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("MMAAS_CONSOLE_SESSION_KEYS entries are kid:secret, got one without a kid");
      }
      String id = e.substring(0, colon);
      byte[] secret = e.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
      if (!KID.matcher(id).matches()) {
        throw new IllegalArgumentException("MMAAS_CONSOLE_SESSION_KEYS: key id '" + id
            + "' must be 1-32 letters, digits, '_' or '-'");
      }
      if (!ids.add(id)) {
        throw new IllegalArgumentException("MMAAS_CONSOLE_SESSION_KEYS: key id '" + id + "' appears twice");
      }
      if (secret.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException("MMAAS_CONSOLE_SESSION_KEYS: the secret of key '" + id + "' needs at least "
            + MIN_SECRET_BYTES + " bytes");
      }
      keys.add(derive(id, secret));
    }
    return new SessionKeys(keys, false);
  }

  /** One random key for this process only: sessions end when it stops and work on no other replica. */
  public static SessionKeys random() {
    return new SessionKeys(List.of(derive("random", RandomTokens.key())), true);
  }

  /** Whether these keys were made up at start ({@link #random()}) rather than configured. */
  public boolean isRandom() {
    return random;
  }

  /** The key ids, first (sealing) key first; for the start-up log. */
  public List<String> ids() {
    return keys.stream().map(Key::id).toList();
  }

  Key sealing() {
    return keys.get(0);
  }

  List<Key> all() {
    return keys;
  }

  Key find(String id) {
    for (Key k : keys) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return random ? "[random key of this process]" : ids().toString();
  }

  private static Key derive(String id, byte[] secret) {
    return new Key(id, hmac(secret, "mmaas-console session cookie AES-256-GCM"),
        hmac(secret, "mmaas-console sign-in form CSRF HMAC-SHA256"));
  }

  private static byte[] hmac(byte[] key, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
