package io.mmaas.controlplane.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes at OWASP's 600,000 iterations, in the self-describing form
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}. Slow on purpose: call it on a worker thread, never an event loop.
 */
public final class PasswordHasher {
  public static final int ITERATIONS = 600_000;
  private static final String PREFIX = "pbkdf2-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A hash of a random password, verified against when the user does not exist so timing does not tell. In a holder
   * so that it is computed on the first verify (a worker thread), not when the class loads: the class loads on the
   * event loop that builds the admin API, where 600,000 iterations held it for seconds on a busy machine.
   */
  private static final class Dummy {
    static final String HASH = new PasswordHasher().hash(Long.toHexString(RANDOM.nextLong()));
  }

  public String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] dk = derive(password, salt, ITERATIONS);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(dk);
  }

  /** True when the password matches; with a null hash it still spends the same time and answers false. */
  public boolean verify(String password, String stored) {
    boolean real = stored != null;
    String[] parts = (real ? stored : Dummy.HASH).split("\\$");
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      return false;
    }
    int iterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    boolean same = MessageDigest.isEqual(expected, derive(password, salt, iterations));
    return real && same;
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      spec.clearPassword();
    }
  }
}
