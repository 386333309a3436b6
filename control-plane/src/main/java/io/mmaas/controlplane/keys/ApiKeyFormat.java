package io.mmaas.controlplane.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * The application API key format: {@code mmaas_<key id, 12>_<secret, 32><checksum, 6>} in base62. The fixed prefix
 * makes leaked keys easy to scan for, the public key id finds the stored hash, the secret carries ~190 bits from a
 * CSPRNG, and the CRC32 checksum rejects a mistyped or truncated key before any lookup.
 */
public final class ApiKeyFormat {
  public static final String PREFIX = "mmaas_";
  static final int KEY_ID_LENGTH = 12;
  static final int SECRET_LENGTH = 32;
  static final int CHECKSUM_LENGTH = 6;
  public static final int LENGTH = PREFIX.length() + KEY_ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeyFormat() {
  }

  /** A parsed key: the public id and the secret part (never log the latter). */
  public record Parsed(String keyId, String secret) {
    @Override
    public String toString() {
      return "Parsed[keyId=" + keyId + ", secret=****]";
    }
  }

  /** A new key, its public id, and the SHA-256 of its secret (what is stored). */
  public record Generated(String key, String keyId, byte[] secretHash) {
    @Override
    public String toString() {
      return "Generated[keyId=" + keyId + "]";
    }
  }

  public static Generated generate() {
    String keyId = random(KEY_ID_LENGTH);
    String secret = random(SECRET_LENGTH);
    String body = PREFIX + keyId + "_" + secret;
    return new Generated(body + checksum(body), keyId, hashSecret(secret));
  }

  /** The key's parts when it is well-formed and its checksum matches; null otherwise. No I/O. */
  public static Parsed parse(String key) {
    if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
      return null;
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      char c = key.charAt(i);
      boolean separator = i == PREFIX.length() + KEY_ID_LENGTH;
      if (separator ? c != '_' : BASE62.indexOf(c) < 0) {
        return null;
      }
    }
    String body = key.substring(0, LENGTH - CHECKSUM_LENGTH);
    if (!checksum(body).equals(key.substring(LENGTH - CHECKSUM_LENGTH))) {
      return null;
    }
    int idStart = PREFIX.length();
    return new Parsed(key.substring(idStart, idStart + KEY_ID_LENGTH), body.substring(idStart + KEY_ID_LENGTH + 1));
  }

  /** The part of a key that may be shown and stored: prefix and key id. */
  public static String displayPrefix(String keyId) {
    return PREFIX + keyId;
  }

  public static byte[] hashSecret(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    char[] out = new char[CHECKSUM_LENGTH];
    for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
      out[i] = BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(out);
  }

  private static String random(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = BASE62.charAt(RANDOM.nextInt(62));
    }
    return new String(out);
  }
}
