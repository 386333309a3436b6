package io.mmaas.controlplane.auth;

import java.util.Locale;

/** What a signed-in user may do; the names are the API's and the database's. */
public enum Role {
  PLATFORM_ADMIN, TENANT_ADMIN, AUDITOR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
