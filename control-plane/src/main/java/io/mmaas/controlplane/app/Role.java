package io.mmaas.controlplane.app;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one control-plane process does, chosen at start with {@code MMAAS_ROLES} (default {@code all}): the same jar
 * runs any mix, so gateways run and scale as processes of their own and keep serving through a crashed admin API or
 * scheduler. Every process also has the internal listener ({@code MMAAS_AGENT_API_PORT}: {@code /metrics} and
 * {@code /health/*}, plus the agent API when {@link #AGENT_API} runs there).
 */
public enum Role {
  /** The admin API (tenants, users, keys, registry, deployments, audit), and the first admin's bootstrap. */
  ADMIN("admin"),
  /** The data-plane gateway: API keys, limits, usage, routing to the model hosts; serves from last-known state. */
  GATEWAY("gateway"),
  /** Agents' enrolment, heartbeats and artifact downloads (on the internal listener). */
  AGENT_API("agent-api"),
  /** The leader work: placing replicas, judging leases, audit checkpoints, blob collection. */
  SCHEDULER("scheduler");

  private final String label;

  Role(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * A comma list of role names, or {@code all}; {@code migrate} alone means "apply the migrations and exit" (the
   * empty set here). Unknown names and empty lists are errors, so a typo cannot start a process that does nothing.
   */
  public static Set<Role> parse(String value) {
    String v = value == null ? "all" : value.trim().toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.equals("all")) {
      return Collections.unmodifiableSet(EnumSet.allOf(Role.class));
    }
    if (v.equals("migrate")) {
      return Set.of();
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : v.split("\\s*,\\s*", -1)) {
      Role role = null;
      for (Role r : values()) {
        if (r.label.equals(name)) {
          role = r;
        }
      }
      if (role == null) {
        throw new IllegalArgumentException("MMAAS_ROLES: unknown role '" + name + "' (roles: admin, gateway, "
            + "agent-api, scheduler; or all; or migrate alone)");
      }
      roles.add(role);
    }
    return Collections.unmodifiableSet(roles);
  }

  /** The roles as configured, e.g. {@code admin,agent-api}. */
  public static String describe(Set<Role> roles) {
    return roles.isEmpty() ? "migrate" : roles.stream().map(Role::label).collect(Collectors.joining(","));
  }
}
