package io.mmaas.console.audit;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiDownloads;
import io.mmaas.console.api.ApiException;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.Json;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Downloads;
import io.mmaas.console.pages.Nav;
import io.mmaas.console.pages.PageRenderer;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log: filtered keyset pages (newest first; "next" asks for events before the last one shown, so paging
 * stays fast however many events there are), exports streamed through with the same filters, and the chain
 * verification.
 */
public final class AuditHandler {
  static final int PAGE_SIZE = 50;

  private final AdminApiClient api;
  private final ApiDownloads downloads;
  private final PageRenderer pages;

  public AuditHandler(AdminApiClient api, ApiDownloads downloads, PageRenderer pages) {
    this.api = api;
    this.downloads = downloads;
    this.pages = pages;
  }

  /** GET /audit/export.csv and /audit/export.jsonl: the API's export with the page's filters, streamed through. */
  public void export(RoutingContext ctx, String format) {
    ConsoleSession session = Sessions.current(ctx);
    AuditFilter filter = AuditFilter.from(ctx);
    downloads.open(session.token(), ApiPath.of("audit-events", "export"), filter.exportQuery(format), Calls.of(ctx))
        .onSuccess(upstream -> Downloads.relay(ctx, upstream, "audit-events." + format))
        .onFailure(ctx::fail);
  }

  /** GET /audit/public-key.json: the key that checks the checkpoints, to keep outside the system. */
  public void publicKey(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    downloads.open(session.token(), ApiPath.of("audit-events", "public-key"), Map.of(), Calls.of(ctx))
        .onSuccess(upstream -> Downloads.relay(ctx, upstream, "audit-public-key.json"))
        .onFailure(ctx::fail);
  }

  public void list(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    AuditFilter filter = AuditFilter.from(ctx);
    boolean platformWide = session.user().tenant() == null;
    Future<JsonObject> events = api.get(session.token(), ApiPath.of("audit-events"), filter.apiQuery(PAGE_SIZE),
        Calls.of(ctx));
    Future<List<AuditView.TenantOption>> tenants = platformWide ? tenants(session, ctx)
        : Future.succeededFuture(List.of());
    Future.all(events, tenants)
        .map(x -> {
          Map<String, String> names = new HashMap<>();
          tenants.result().forEach(t -> names.put(t.id(), t.name()));
          String next = Json.text(events.result(), "nextBefore");
          return new AuditView(Nav.of(session, "audit"), filter, tenants.result(),
              Json.objects(events.result(), "items").stream().map(e -> AuditRow.of(e, names)).toList(),
              next == null ? null : filter.nextHref(next), filter.before() == null ? null : filter.firstHref(),
              filter.exportHref("csv"), filter.exportHref("jsonl"));
        })
        .onSuccess(view -> pages.render(ctx, 200, "audit/list.jte", view))
        .onFailure(ctx::fail);
  }

  public void verify(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    long started = System.nanoTime();
    api.get(session.token(), ApiPath.of("audit-events", "verify"), Map.of(), Calls.of(ctx))
        .map(r -> new VerifyView(Nav.of(session, "audit"), Json.flag(r, "valid"), Json.number(r, "checked", 0),
            Json.text(r, "headHash"), Json.numberOrNull(r, "firstBrokenSeq"), Json.text(r, "firstBrokenId"),
            Json.text(r, "problem"), (System.nanoTime() - started) / 1_000_000))
        .onSuccess(view -> pages.render(ctx, 200, "audit/verify.jte", view))
        .onFailure(ctx::fail);
  }

  /** The tenants for the filter; a user who may not list them simply gets no tenant filter. */
  private Future<List<AuditView.TenantOption>> tenants(ConsoleSession session, RoutingContext ctx) {
    return api.get(session.token(), ApiPath.of("tenants"), Map.of("limit", "200"), Calls.of(ctx))
        .map(page -> Json.objects(page, "items").stream()
            .map(t -> new AuditView.TenantOption(Json.text(t, "id"), Json.text(t, "name"))).toList())
        .recover(err -> err instanceof ApiException e && e.status() == 403
            ? Future.succeededFuture(List.of()) : Future.failedFuture(err));
  }
}
