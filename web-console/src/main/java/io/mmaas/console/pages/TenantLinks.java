package io.mmaas.console.pages;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The console's own addresses of a tenant's pages. */
public final class TenantLinks {
  private TenantLinks() {}

  /** {@code /tenants/{tenant}} with the name encoded as one path segment. */
  public static String base(String tenant) {
    return "/tenants/" + segment(tenant);
  }

  public static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
