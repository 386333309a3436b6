package io.mmaas.controlplane.agents;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Agent-related secrets. An agent's credential (agent to control plane) and enrollment tokens are random and stored
 * only as SHA-256. The serving key (gateway to agent) is derived as HMAC-SHA256(serving secret, agent id and key
 * generation), so the database never holds it and every control-plane replica computes the same key.
 *
 * <p>Several serving secrets may be configured (fleet-wide rotation of the secret itself): the first derives every
 * key issued from now on, the others still derive keys issued under them until each agent has confirmed a key of
 * the first. The database names the secret behind a key by its {@link #fingerprint} (a one-way value), or null for
 * keys issued before secrets were named: those belong to the last (oldest) configured secret.
 */
public final class AgentSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, byte[]> secrets = new LinkedHashMap<>();
  private final String primary;
  private final String oldest;

  public AgentSecrets(byte[] servingSecret) {
    this(List.of(servingSecret));
  }

  /**
   * @param servingSecrets newest first: the first derives new keys, all derive keys issued under them (empty in a
   *     process whose roles derive no key: every derivation then fails)
   */
  public AgentSecrets(List<byte[]> servingSecrets) {
    List<String> ids = new ArrayList<>();
    for (byte[] secret : servingSecrets) {
      String id = fingerprint(secret);
      secrets.putIfAbsent(id, secret.clone());
      ids.add(id);
    }
    this.primary = ids.isEmpty() ? null : ids.get(0);
    this.oldest = ids.isEmpty() ? null : ids.get(ids.size() - 1);
  }

  /** The fingerprint of the secret that derives new keys. */
  public String primary() {
    return primary;
  }

  /** Whether a key issued under this secret (null: the oldest) is one of the first secret's. */
  public boolean isPrimary(String secretId) {
    return primary != null && primary.equals(secretId == null ? oldest : secretId);
  }

  /** The agent's first key under the first secret (generation 0), as enrollment hands it out. */
  public String servingKey(UUID agentId) {
    return servingKey(agentId, 0, primary);
  }

  /**
   * The agent's key of this generation under the named secret (null: the oldest configured one).
   *
   * @throws IllegalArgumentException when that secret is no longer configured
   */
  public String servingKey(UUID agentId, int generation, String secretId) {
    String id = secretId == null ? oldest : secretId;
    byte[] secret = id == null ? null : secrets.get(id);
    if (secret == null) {
      throw new IllegalArgumentException("serving key generation " + generation + " of agent " + agentId
          + " was derived from a serving secret that is no longer configured (fingerprint " + secretId + ")");
    }
    // generation 0 keeps the derivation agents were enrolled with before keys had generations
    String input = generation == 0 ? "agent-serving:" + agentId : "agent-serving:" + agentId + ":" + generation;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(secret, input));
  }

  /** A one-way name for a serving secret (16 hex digits), safe to store and log. */
  public static String fingerprint(byte[] secret) {
    return HexFormat.of().formatHex(hmac(secret, "mmaas-serving-secret-id"), 0, 8);
  }

  private static byte[] hmac(byte[] secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
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
