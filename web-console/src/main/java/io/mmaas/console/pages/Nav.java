package io.mmaas.console.pages;

import io.mmaas.console.api.ApiUser;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Notice;
import java.util.ArrayList;
import java.util.List;

/**
 * What the page frame shows a signed-in user: who they are, the sections their role may use (the API remains the
 * guard: a hidden link is a convenience, not a control), the CSRF token of the sign-out form, and a one-time notice.
 *
 * @param platformWide whether the user is not bound to one tenant (tenant pages then show tenant tabs)
 * @param notice the message left by the last form, or null
 */
public record Nav(String username, String roleLabel, String csrfToken, List<NavLink> links, boolean platformWide,
    Notice notice) {

  public Nav {
    links = links == null ? List.of() : List.copyOf(links);
  }

  /** The frame for this session with {@code active} (a {@link NavLink#id()}) marked; takes the waiting notice. */
  public static Nav of(ConsoleSession session, String active) {
    return of(session, session.user(), active);
  }

  /** As {@link #of(ConsoleSession, String)}, for {@code user} as the API just described them. */
  public static Nav of(ConsoleSession session, ApiUser user, String active) {
    return new Nav(user.username(), user.roleLabel(), session.csrfToken(), links(user, active),
        user.tenant() == null, session.takeNotice());
  }

  static List<NavLink> links(ApiUser user, String active) {
    List<NavLink> links = new ArrayList<>();
    links.add(link("overview", "/", "Overview", active));
    String tenant = user.tenant();
    switch (user.role()) {
      case ApiUser.PLATFORM_ADMIN -> {
        links.add(link("tenants", "/tenants", "Tenants", active));
        links.add(link("users", "/users", "Users", active));
        links.add(link("agents", "/agents", "Agents", active));
        links.add(link("audit", "/audit", "Audit log", active));
      }
      case ApiUser.TENANT_ADMIN -> {
        if (tenant != null) {
          String base = TenantLinks.base(tenant);
          links.add(link("keys", base + "/api-keys", "API keys", active));
          links.add(link("models", base + "/models", "Models", active));
          links.add(link("deployments", base + "/deployments", "Deployments", active));
          links.add(link("playground", base + "/playground", "Playground", active));
          links.add(link("usage", base + "/usage", "Usage", active));
          links.add(link("tenant-users", base + "/users", "Users", active));
        }
        links.add(link("audit", "/audit", "Audit log", active));
      }
      case ApiUser.AUDITOR -> {
        if (tenant == null) {
          links.add(link("tenants", "/tenants", "Tenants", active));
          links.add(link("users", "/users", "Users", active));
          links.add(link("agents", "/agents", "Agents", active));
        } else {
          links.add(link("usage", TenantLinks.base(tenant) + "/usage", "Usage", active));
        }
        links.add(link("audit", "/audit", "Audit log", active));
      }
      default -> { }
    }
    return links;
  }

  private static NavLink link(String id, String href, String label, String active) {
    return new NavLink(id, href, label, id.equals(active));
  }
}
