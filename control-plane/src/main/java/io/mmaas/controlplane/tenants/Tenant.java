package io.mmaas.controlplane.tenants;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tenant: the unit of isolation, ownership and quota. {@code name} is its immutable slug used in paths. */
public record Tenant(UUID id, String name, String displayName, String state, OffsetDateTime createdAt) {
  public static final String ACTIVE = "ACTIVE";
  public static final String SUSPENDED = "SUSPENDED";

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("displayName", displayName)
        .put("state", state).put("createdAt", createdAt.toInstant().toString());
  }
}
