package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The audit writer's last line of defence against secrets: services should never hand one over, but a detail field
 * named like a secret is redacted, anything shaped like an API key loses its secret part, and the name an anonymous
 * caller typed (people type passwords into the username field) is stored only as a keyed fingerprint, stable enough
 * to group a brute-force run and useless for guessing what was typed.
 */
final class SecretScrubber {
  static final String REDACTED = "[redacted]";
  private static final Pattern SECRET_FIELD =
      Pattern.compile("(?i).*(password|secret|credential|plaintext|authorization).*|token|key|apikey|api_key");
  /** {@code mmaas_<key id 12>_<secret 38>}: keep the public key id, drop the rest. */
  private static final Pattern API_KEY = Pattern.compile("(mmaas_[0-9A-Za-z]{12}_)[0-9A-Za-z]{38}");

  private final SecretKeySpec fingerprintKey;

  SecretScrubber(byte[] fingerprintKey) {
    this.fingerprintKey = new SecretKeySpec(fingerprintKey, "HmacSHA256");
  }

  /** A copy of {@code details} with secret-named fields redacted and key-shaped strings cut. */
  JsonObject details(JsonObject details) {
    return details == null ? new JsonObject() : (JsonObject) scrub(null, details);
  }

  String text(String value) {
    return value == null ? null : API_KEY.matcher(value).replaceAll("$1" + REDACTED);
  }

  /** What is stored as the name of an anonymous actor: never the text itself. */
  String anonymousName(String claimed) {
    if (claimed == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(fingerprintKey);
      byte[] digest = mac.doFinal(claimed.getBytes(StandardCharsets.UTF_8));
      return "claimed:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object scrub(String field, Object value) {
    if (field != null && SECRET_FIELD.matcher(field).matches() && value != null) {
      return REDACTED;
    }
    if (value instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(e.getKey(), scrub(e.getKey(), e.getValue())));
      return out;
    }
    if (value instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(scrub(null, v)));
      return out;
    }
    return value instanceof String s ? text(s) : value;
  }
}
