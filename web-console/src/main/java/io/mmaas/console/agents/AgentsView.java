package io.mmaas.console.agents;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * The fleet page.
 *
 * @param canEnroll whether the enrollment-token form is shown (platform admins)
 * @param ready how many agents hold a live lease
 */
public record AgentsView(Nav nav, List<AgentRow> agents, long ready, boolean canEnroll, List<Token> tokens) {
  /** An enrollment token as the fleet page lists it (never its secret). */
  public record Token(String id, String name, String validUntil, boolean singleUse, String lastUsed, boolean revoked) {
  }
}
