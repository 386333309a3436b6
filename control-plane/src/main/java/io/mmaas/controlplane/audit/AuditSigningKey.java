package io.mmaas.controlplane.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 key that signs audit checkpoints (JDK only, no extra library). It comes from
 * {@code MMAAS_AUDIT_SIGNING_KEY} (PKCS#8, base64); without it a key is generated once and kept in the data dir
 * ({@code audit-signing-key.pk8.b64}, owner-only) so a local install keeps verifying across restarts — with a
 * warning, because a key that lives next to the data proves little to an auditor. The private key also derives the
 * writer's fingerprint key, so every replica sharing the key fingerprints alike.
 */
public final class AuditSigningKey {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSigningKey.class);
  static final String FILE_NAME = "audit-signing-key.pk8.b64";

  private final PrivateKey privateKey;
  private final AuditPublicKey publicKey;

  private AuditSigningKey(KeyPair pair) {
    this.privateKey = pair.getPrivate();
    this.publicKey = new AuditPublicKey(pair.getPublic());
  }

  /** From configuration, else from (or newly into) the data dir. Runs once at start (small blocking file I/O). */
  public static AuditSigningKey load(String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return fromPkcs8(configured.trim());
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (Files.exists(file)) {
        AuditSigningKey key = fromPkcs8(Files.readString(file, StandardCharsets.US_ASCII).trim());
        LOG.warn("MMAAS_AUDIT_SIGNING_KEY is not set: signing audit checkpoints with the key kept in {} (key id {}); "
            + "set the variable from a secret store for production", file, key.publicKey().keyId());
        return key;
      }
      AuditSigningKey key = generate();
      Files.createDirectories(dataDir);
      // written whole under a temporary name, then linked into place: processes of one machine sharing the data dir
      // (roles started side by side) never read half a key, and the first to link wins
      Path tmp = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        Files.writeString(tmp, key.pkcs8Base64() + "\n", StandardCharsets.US_ASCII);
        Files.createLink(file, tmp);
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        return load(null, dataDir);
      } finally {
        Files.deleteIfExists(tmp);
      }
      LOG.warn("MMAAS_AUDIT_SIGNING_KEY is not set: generated an audit signing key for local use only, kept in {}. "
              + "Public key (give it to your auditors): {} (key id {})", file, key.publicKey().base64(),
          key.publicKey().keyId());
      return key;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or write the audit signing key in " + file + ": " + e.getMessage(), e);
    }
  }

  public static AuditSigningKey generate() {
    try {
      return new AuditSigningKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a PKCS#8 Ed25519 private key and re-derives its public key (the JDK has no direct call for that). */
  public static AuditSigningKey fromPkcs8(String base64) {
    try {
      PrivateKey parsed = KeyFactory.getInstance("Ed25519")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      byte[] seed = ((EdECPrivateKey) parsed).getBytes()
          .orElseThrow(() -> new IllegalArgumentException("the key has no private bytes"));
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      return new AuditSigningKey(generator.generateKeyPair());
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException("MMAAS_AUDIT_SIGNING_KEY must be an Ed25519 private key, PKCS#8 in base64 "
          + "(e.g. `openssl genpkey -algorithm ed25519 -outform DER | base64 -w0`)", e);
    }
  }

  public String pkcs8Base64() {
    return Base64.getEncoder().encodeToString(privateKey.getEncoded());
  }

  public AuditPublicKey publicKey() {
    return publicKey;
  }

  /** This key's public half plus other trusted public keys (base64 X.509 or PEM), e.g. those of retired keys. */
  public java.util.List<AuditPublicKey> trustedKeys(java.util.List<String> others) {
    java.util.List<AuditPublicKey> keys = new java.util.ArrayList<>();
    keys.add(publicKey);
    others.forEach(k -> keys.add(AuditPublicKey.parse(k)));
    return java.util.List.copyOf(keys);
  }

  /** The Ed25519 signature of {@code text}, base64. */
  public String sign(String text) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key for the writer's fingerprints, derived from (and as secret as) the private key. */
  public byte[] fingerprintKey() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("mmaas-audit-fingerprint-v1".getBytes(StandardCharsets.UTF_8));
      return d.digest(privateKey.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hands the key generator the seed instead of random bytes, so it rebuilds the pair of a known private key. */
  private static final class SeedRandom extends SecureRandom {
    private final byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }
}
