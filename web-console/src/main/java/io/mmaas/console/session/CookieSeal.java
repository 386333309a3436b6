package io.mmaas.console.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals bytes into a cookie value and opens them again: AES-256-GCM under the first of the {@link SessionKeys} with a
 * random 96-bit nonce, written as {@code <kid>.<base64url(nonce ‖ ciphertext ‖ tag)>}. The key id and the cookie's
 * purpose are authenticated too, so a value sealed for one purpose does not open as another. Opening tries the key
 * the value names; a value that is malformed, too long, under an unknown key or changed in any bit opens to null.
 */
final class CookieSeal {
  /** The longest value opened or produced: browsers keep about 4096 bytes per cookie, name and attributes included. */
  static final int MAX_VALUE_CHARS = 3800;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{1,32}\\.[A-Za-z0-9_-]{38,}");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SessionKeys keys;

  CookieSeal(SessionKeys keys) {
    this.keys = keys;
  }

  /** The sealed value; it may be longer than {@link #MAX_VALUE_CHARS}, which the caller checks. */
  String seal(String purpose, byte[] plain) {
    SessionKeys.Key key = keys.sealing();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, purpose);
      byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      cipher.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
      return key.id() + "." + ENCODER.encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The bytes sealed in {@code value} for {@code purpose}, or null when it does not open. */
  byte[] open(String purpose, String value) {
    if (value == null || value.length() > MAX_VALUE_CHARS || !FORMAT.matcher(value).matches()) {
      return null;
    }
    int dot = value.indexOf('.');
    SessionKeys.Key key = keys.find(value.substring(0, dot));
    if (key == null) {
      return null;
    }
    byte[] data;
    try {
      data = DECODER.decode(value.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (data.length < NONCE_BYTES + TAG_BITS / 8) {
      return null;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    System.arraycopy(data, 0, nonce, 0, NONCE_BYTES);
    try {
      return cipher(Cipher.DECRYPT_MODE, key, nonce, purpose).doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private static Cipher cipher(int mode, SessionKeys.Key key, byte[] nonce, String purpose)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key.aes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(("mmaas-console:v1:" + purpose + ":" + key.id()).getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
