package io.mmaas.console.tenants;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.TenantPage;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Params;
import io.mmaas.console.pages.FormOutcome;
import io.mmaas.console.pages.Nav;
import io.mmaas.console.pages.PageRenderer;
import io.mmaas.console.pages.TenantLinks;
import io.mmaas.console.pages.TenantRow;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** GET /tenants (a page of tenants, and the create form for platform admins) and POST /tenants. */
public final class TenantsHandler {
  static final int PAGE_SIZE = 50;

  private final AdminApiClient api;
  private final PageRenderer pages;

  public TenantsHandler(AdminApiClient api, PageRenderer pages) {
    this.api = api;
    this.pages = pages;
  }

  public void list(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String after = Params.cursor(ctx, "after");
    api.listTenants(session.token(), PAGE_SIZE, after, Calls.of(ctx))
        .onSuccess(page -> pages.render(ctx, 200, "tenants/list.jte", view(session, page, after)))
        .onFailure(ctx::fail);
  }

  public void create(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String name = Params.form(ctx, "name", 63);
    String displayName = Params.form(ctx, "displayName", 200);
    if (name == null) {
      FormOutcome.invalid(ctx, "A tenant needs a name.", "/tenants");
      return;
    }
    JsonObject body = new JsonObject().put("name", name);
    if (displayName != null) {
      body.put("displayName", displayName);
    }
    api.post(session.token(), ApiPath.of("tenants"), body, Calls.of(ctx))
        .onSuccess(t -> FormOutcome.done(ctx, "Tenant " + name + " created.", "/tenants"))
        .onFailure(err -> FormOutcome.refused(ctx, err, "/tenants"));
  }

  private static TenantsView view(ConsoleSession session, TenantPage page, String after) {
    String next = page.nextCursor() == null ? null : "/tenants?after=" + TenantLinks.query(page.nextCursor());
    return new TenantsView(Nav.of(session, "tenants"), page.items().stream().map(TenantRow::of).toList(), next,
        after != null, session.user().isPlatformAdmin());
  }

}
