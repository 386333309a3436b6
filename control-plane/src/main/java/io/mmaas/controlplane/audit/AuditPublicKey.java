package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A public key that checkpoint signatures are checked against: what auditors keep outside the system. Its id (the
 * first 16 hex digits of the SHA-256 of the X.509 encoding) is stored with each checkpoint.
 */
public record AuditPublicKey(PublicKey key) {

  /** Reads base64 X.509 (SubjectPublicKeyInfo), with or without PEM armour. */
  public static AuditPublicKey parse(String text) {
    String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return new AuditPublicKey(KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64))));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an Ed25519 public key (base64 X.509 or PEM)", e);
    }
  }

  public String keyId() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public String pem() {
    return "-----BEGIN PUBLIC KEY-----\n" + base64() + "\n-----END PUBLIC KEY-----\n";
  }

  public boolean verifies(String text, String signatureBase64) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(text.getBytes(StandardCharsets.UTF_8));
      return s.verify(Base64.getDecoder().decode(signatureBase64));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("algorithm", "Ed25519").put("keyId", keyId()).put("publicKey", base64()).put("pem", pem());
  }
}
