package io.mmaas.agent.controlplane;

import java.util.Objects;

/**
 * What enrollment returns and the agent keeps across restarts.
 *
 * @param credential the bearer secret for the agent API
 * @param servingKey the bearer secret the gateway presents when it calls this agent (its current one)
 * @param servingKeyGeneration the generation of {@code servingKey} (0 as enrolled; each rotation adds one)
 * @param previousServingKey the key before the last rotation, still accepted while the rotation overlaps; or null
 */
public record AgentIdentity(String agentId, String credential, String servingKey, int servingKeyGeneration,
                            String previousServingKey) {
  public AgentIdentity {
    requireText(agentId, "agentId");
    requireText(credential, "credential");
    requireText(servingKey, "servingKey");
    if (servingKeyGeneration < 0) {
      throw new IllegalArgumentException("servingKeyGeneration must not be negative");
    }
    if (previousServingKey != null && previousServingKey.isBlank()) {
      previousServingKey = null;
    }
  }

  public AgentIdentity(String agentId, String credential, String servingKey) {
    this(agentId, credential, servingKey, 0, null);
  }

  /** This identity with a new serving key; the current one becomes the previous. */
  public AgentIdentity rotated(int generation, String key) {
    return new AgentIdentity(agentId, credential, key, generation, servingKey);
  }

  /** This identity without its previous serving key (the overlap is over). */
  public AgentIdentity withoutPrevious() {
    return new AgentIdentity(agentId, credential, servingKey, servingKeyGeneration, null);
  }

  /** The serving keys accepted now, the current one first. */
  public java.util.List<String> acceptedServingKeys() {
    return previousServingKey == null ? java.util.List.of(servingKey)
        : java.util.List.of(servingKey, previousServingKey);
  }

  private static void requireText(String value, String name) {
    if (Objects.requireNonNull(value, name).isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  @Override
  public String toString() {
    return "AgentIdentity[agentId=" + agentId + ", credential=****, servingKey=****, servingKeyGeneration="
        + servingKeyGeneration + ", previousServingKey=" + (previousServingKey == null ? "none" : "****") + "]";
  }
}
