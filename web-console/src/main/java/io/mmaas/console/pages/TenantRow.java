package io.mmaas.console.pages;

import io.mmaas.console.api.Tenant;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A row of the tenants table. Every field may come from a tenant: the template escapes them. */
public record TenantRow(String name, String displayName, String state, String createdIso, String createdText) {
  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  static TenantRow of(Tenant t) {
    return new TenantRow(t.name(), t.displayName() == null ? "" : t.displayName(), t.state(), t.createdAt(),
        shown(t.createdAt()));
  }

  /** An instant as people read it; anything else as it came. */
  static String shown(String iso) {
    if (iso == null) {
      return "";
    }
    try {
      return SHOWN.format(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }
}
