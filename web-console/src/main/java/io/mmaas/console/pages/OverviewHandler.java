package io.mmaas.console.pages;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiException;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.ApiUser;
import io.mmaas.console.api.CallContext;
import io.mmaas.console.api.Json;
import io.mmaas.console.api.TenantPage;
import io.mmaas.console.deployments.DeploymentRow;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Params;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * GET / for a signed-in user: who they are (asked of the API, so a changed role shows at once and a revoked token
 * ends the session) and what they look after: for platform admins a page of tenants and the fleet's health, for
 * tenant admins their deployments, for auditors the newest audit events. A summary the user may not read is left
 * out rather than failing the page.
 */
public final class OverviewHandler {
  static final int PAGE_SIZE = 50;
  static final int RECENT_EVENTS = 10;

  private final AdminApiClient api;
  private final PageRenderer pages;

  public OverviewHandler(AdminApiClient api, PageRenderer pages) {
    this.api = api;
    this.pages = pages;
  }

  public void handle(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String after = Params.cursor(ctx, "after");
    CallContext call = Calls.of(ctx);
    api.me(session.token(), call)
        .compose(me -> switch (me.role()) {
          case ApiUser.PLATFORM_ADMIN -> platformAdmin(session, me, after, call);
          case ApiUser.TENANT_ADMIN -> tenantAdmin(session, me, call);
          case ApiUser.AUDITOR -> auditor(session, me, call);
          default -> Future.succeededFuture(new OverviewView(Nav.of(session, me, "overview"), me, null, null, false));
        })
        .onSuccess(view -> pages.render(ctx, 200, "overview.jte", view))
        .onFailure(ctx::fail);
  }

  private Future<OverviewView> platformAdmin(ConsoleSession session, ApiUser me, String after, CallContext call) {
    Future<TenantPage> tenants = api.listTenants(session.token(), PAGE_SIZE, after, call);
    Future<OverviewView.Fleet> fleet = optional(api.get(session.token(), ApiPath.of("agents"), Map.of(), call)
        .map(a -> {
          List<JsonObject> agents = Json.objects(a, "items");
          return new OverviewView.Fleet(agents.stream().filter(x -> "READY".equals(Json.text(x, "state"))).count(),
              agents.size());
        }));
    return Future.all(tenants, fleet).map(x -> {
      TenantPage page = tenants.result();
      String next = page.nextCursor() == null ? null
          : "/?after=" + URLEncoder.encode(page.nextCursor(), StandardCharsets.UTF_8);
      return new OverviewView(Nav.of(session, me, "overview"), me,
          page.items().stream().map(TenantRow::of).toList(), next, after != null, fleet.result(), null, null);
    });
  }

  private Future<OverviewView> tenantAdmin(ConsoleSession session, ApiUser me, CallContext call) {
    if (me.tenant() == null) {
      return Future.succeededFuture(new OverviewView(Nav.of(session, me, "overview"), me, null, null, false));
    }
    String base = TenantLinks.base(me.tenant()) + "/deployments";
    return optional(api.get(session.token(), ApiPath.tenant(me.tenant(), "deployments"), Map.of("limit", "50"), call)
        .map(page -> Json.objects(page, "items").stream().map(d -> DeploymentRow.of(d, base)).toList()))
        .map(deployments -> new OverviewView(Nav.of(session, me, "overview"), me, null, null, false, null,
            deployments, null));
  }

  private Future<OverviewView> auditor(ConsoleSession session, ApiUser me, CallContext call) {
    return optional(api.get(session.token(), ApiPath.of("audit-events"), Map.of("limit", "" + RECENT_EVENTS), call)
        .map(page -> Json.objects(page, "items").stream().map(e -> new OverviewView.RecentEvent(
            Json.number(e, "seq", 0), Format.timeSeconds(Json.text(e, "occurredAt")),
            Json.text(Json.object(e, "actor"), "name"), Json.text(e, "action"), Json.text(e, "outcome"))).toList()))
        .map(events -> new OverviewView(Nav.of(session, me, "overview"), me, null, null, false, null, null, events));
  }

  /** A summary the API refuses to this user (403, 404) is left out; other failures fail the page. */
  private static <T> Future<T> optional(Future<T> f) {
    return f.recover(err -> err instanceof ApiException e && (e.status() == 403 || e.status() == 404)
        ? Future.succeededFuture(null) : Future.failedFuture(err));
  }
}
