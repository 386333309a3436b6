package io.mmaas.console.pages;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiUser;
import io.mmaas.console.api.CallContext;
import io.mmaas.console.api.TenantPage;
import io.mmaas.console.http.Calls;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * GET / for a signed-in user: who they are (asked of the API, so a changed role shows at once and a revoked
 * token ends the session) and, for platform admins, a page of tenants.
 */
public final class OverviewHandler {
  static final int PAGE_SIZE = 50;
  private static final int MAX_CURSOR = 512;

  private final AdminApiClient api;
  private final PageRenderer pages;

  public OverviewHandler(AdminApiClient api, PageRenderer pages) {
    this.api = api;
    this.pages = pages;
  }

  public void handle(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String after = ctx.request().getParam("after");
    if (after != null && (after.isEmpty() || after.length() > MAX_CURSOR)) {
      ctx.fail(new HttpException(400, "bad cursor"));
      return;
    }
    CallContext call = Calls.of(ctx);
    api.me(session.token(), call)
        .compose(me -> me.isPlatformAdmin()
            ? api.listTenants(session.token(), PAGE_SIZE, after, call).map(page -> view(session, me, page, after))
            : Future.succeededFuture(view(session, me, null, after)))
        .onSuccess(view -> pages.render(ctx, 200, "overview.jte", view))
        .onFailure(ctx::fail);
  }

  private static OverviewView view(ConsoleSession session, ApiUser me, TenantPage page, String after) {
    Nav nav = new Nav(me.username(), me.roleLabel(), session.csrfToken());
    if (page == null) {
      return new OverviewView(nav, me, null, null, false);
    }
    String next = page.nextCursor() == null ? null
        : "/?after=" + URLEncoder.encode(page.nextCursor(), StandardCharsets.UTF_8);
    return new OverviewView(nav, me, page.items().stream().map(TenantRow::of).toList(), next, after != null);
  }
}
