package io.mmaas.controlplane.auth;

import java.util.UUID;

/**
 * Who is acting: a user (with a role and, for tenant-scoped roles, a tenant), an API key, an agent, the system, or
 * an anonymous caller (a failed sign-in). This is what audit events record as the actor.
 */
public record Actor(String type, String id, String name, Role role, UUID tenantId, UUID sessionId) {
  public static final Actor SYSTEM = new Actor("system", null, "system", null, null, null);

  public static Actor anonymous(String claimedName) {
    return new Actor("anonymous", null, claimedName, null, null, null);
  }

  public static Actor user(UUID id, String username, Role role, UUID tenantId) {
    return user(id, username, role, tenantId, null);
  }

  public static Actor user(UUID id, String username, Role role, UUID tenantId, UUID sessionId) {
    return new Actor("user", id.toString(), username, role, tenantId, sessionId);
  }

  public static Actor apiKey(UUID id, String name, UUID tenantId) {
    return new Actor("api_key", id.toString(), name, null, tenantId, null);
  }

  public static Actor agent(UUID id, String name) {
    return new Actor("agent", id.toString(), name, null, null, null);
  }

  public boolean is(Role r) {
    return role == r;
  }
}
