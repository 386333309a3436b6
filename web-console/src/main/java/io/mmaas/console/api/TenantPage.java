package io.mmaas.console.api;

import java.util.List;

/** One page of tenants; {@code nextCursor} is null on the last page. */
public record TenantPage(List<Tenant> items, String nextCursor) {
  public TenantPage {
    items = List.copyOf(items);
  }
}
