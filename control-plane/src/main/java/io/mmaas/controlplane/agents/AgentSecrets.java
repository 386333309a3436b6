package io.mmaas.controlplane.agents;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Agent-related secrets. An agent's credential (agent to control plane) and enrollment tokens are random and stored
 * only as SHA-256. The serving key (gateway to agent) is derived as HMAC-SHA256(configured secret, agent id), so the
 * database never holds it and every control-plane replica computes the same key.
 */
public final class AgentSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] servingSecret;

  public AgentSecrets(byte[] servingSecret) {
    this.servingSecret = servingSecret.clone();
  }

  public String servingKey(UUID agentId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(servingSecret, "HmacSHA256"));
      byte[] out = mac.doFinal(("agent-serving:" + agentId).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new random secret with a recognisable prefix ({@code mmag_} credentials, {@code mmet_} enrollment tokens). */
  public static String random(String prefix) {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
