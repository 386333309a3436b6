package io.mmaas.controlplane.auth;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A person who signs in to the admin API or console. The password hash never leaves the auth package's services. */
public record User(UUID id, UUID tenantId, String username, String passwordHash, Role role, OffsetDateTime disabledAt,
                   OffsetDateTime createdAt) {
  public boolean disabled() {
    return disabledAt != null;
  }
}
