package io.mmaas.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs any header and payload text as an HS256 JWT, so tests can hand the verifier claims no issuer would write. */
final class HandMadeJwt {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private HandMadeJwt() {}

  static String sign(String headerJson, String payloadJson, byte[] secret) {
    return sign(headerJson.getBytes(StandardCharsets.UTF_8), payloadJson.getBytes(StandardCharsets.UTF_8), secret);
  }

  static String sign(byte[] header, byte[] payload, byte[] secret) {
    String signingInput = B64.encodeToString(header) + "." + B64.encodeToString(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
