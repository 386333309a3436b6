package io.mmaas.console.audit;

import io.mmaas.console.pages.Nav;
import java.util.List;

/**
 * The audit log page.
 *
 * @param tenants (id, name) pairs for the tenant filter; empty for tenant-scoped users, who see their tenant only
 */
public record AuditView(Nav nav, AuditFilter filter, List<TenantOption> tenants, List<AuditRow> events,
    String nextPageHref, String firstPageHref, String csvHref, String jsonlHref) {

  /** A tenant the filter offers. */
  public record TenantOption(String id, String name) {}
}
