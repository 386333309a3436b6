package io.mmaas.controlplane.auth;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A person who signs in to the admin API or console. The password hash never leaves the auth package's services. */
public record User(UUID id, UUID tenantId, String username, String passwordHash, Role role, OffsetDateTime disabledAt,
                   OffsetDateTime createdAt) {
  public boolean disabled() {
    return disabledAt != null;
  }

  public Actor actor() {
    return Actor.user(id, username, role, tenantId);
  }

  /** The API's view of a user: never the password hash. */
  public JsonObject toJson(String tenantName) {
    return new JsonObject().put("id", id.toString()).put("username", username).put("role", role.wire())
        .put("tenant", tenantName).put("disabled", disabled())
        .put("disabledAt", disabledAt == null ? null : disabledAt.toInstant().toString())
        .put("createdAt", createdAt.toInstant().toString());
  }
}
