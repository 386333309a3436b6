package io.mmaas.controlplane.registry;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tenant's model: a name that versions are uploaded under and that applications call. */
public record Model(UUID id, UUID tenantId, String name, String description, OffsetDateTime createdAt) {
  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("description", description)
        .put("createdAt", createdAt.toInstant().toString());
  }
}
