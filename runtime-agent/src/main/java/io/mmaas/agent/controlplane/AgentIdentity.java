package io.mmaas.agent.controlplane;

import java.util.Objects;

/**
 * What enrollment returns and the agent keeps across restarts.
 *
 * @param credential the bearer secret for the agent API
 * @param servingKey the bearer secret the gateway presents when it calls this agent
 */
public record AgentIdentity(String agentId, String credential, String servingKey) {
  public AgentIdentity {
    requireText(agentId, "agentId");
    requireText(credential, "credential");
    requireText(servingKey, "servingKey");
  }

  private static void requireText(String value, String name) {
    if (Objects.requireNonNull(value, name).isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  @Override
  public String toString() {
    return "AgentIdentity[agentId=" + agentId + ", credential=****, servingKey=****]";
  }
}
