package io.mmaas.console.pages;

import io.mmaas.console.api.Tenant;

/** A row of the tenants table. Every field may come from a tenant: the template escapes them. */
public record TenantRow(String name, String displayName, String state, String createdIso, String createdText,
    String href) {

  public static TenantRow of(Tenant t) {
    return new TenantRow(t.name(), t.displayName() == null ? "" : t.displayName(), t.state(), t.createdAt(),
        shown(t.createdAt()), TenantLinks.base(t.name()));
  }

  /** An instant as people read it; anything else as it came. */
  static String shown(String iso) {
    return Format.time(iso);
  }
}
