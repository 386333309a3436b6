package io.mmaas.agent.controlplane;

import java.time.Duration;

/**
 * The serving key part of a heartbeat answer.
 *
 * @param generation the agent's newest serving key generation
 * @param key that generation's key, sent only while the agent reports holding another one; else null
 * @param overlap how long the agent keeps accepting its previous key once the control plane has its confirmation
 */
public record ServingKeyOffer(int generation, String key, Duration overlap) {
  @Override
  public String toString() {
    return "ServingKeyOffer[generation=" + generation + ", key=" + (key == null ? "none" : "****") + ", overlap="
        + overlap + "]";
  }
}
