package io.mmaas.console.usage;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiDownloads;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.Json;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Downloads;
import io.mmaas.console.http.Params;
import io.mmaas.console.pages.FormOutcome;
import io.mmaas.console.pages.Nav;
import io.mmaas.console.pages.PageRenderer;
import io.mmaas.console.pages.TenantLinks;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GET /tenants/:tenant/usage (charts and quota), GET …/usage.csv (the API's CSV, streamed through) and POST
 * …/quota (platform admins change limits; only the fields that changed are sent).
 */
public final class UsageHandler {
  private final AdminApiClient api;
  private final ApiDownloads downloads;
  private final PageRenderer pages;
  private final Clock clock;

  public UsageHandler(AdminApiClient api, ApiDownloads downloads, PageRenderer pages, Clock clock) {
    this.api = api;
    this.downloads = downloads;
    this.pages = pages;
    this.clock = clock;
  }

  public void show(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    UsageRange range = range(ctx);
    Instant now = clock.instant();
    String base = TenantLinks.base(tenant) + "/usage";
    Future<JsonObject> usage = api.get(session.token(), ApiPath.tenant(tenant, "usage"), query(range, now, "json"),
        Calls.of(ctx));
    // per key, summed over the window: daily buckets are the fewest rows that cover it
    Future<JsonObject> perKey = api.get(session.token(), ApiPath.tenant(tenant, "usage"), Map.of("from",
        range.from(now).toString(), "to", range.to(now).toString(), "by", "day", "perKey", "true", "format", "json"),
        Calls.of(ctx));
    Future<JsonObject> quota = api.get(session.token(), ApiPath.tenant(tenant, "quota"), Map.of(), Calls.of(ctx));
    Future.all(usage, perKey, quota)
        .map(x -> view(session, tenant, base, range, UsageSeries.of(range.buckets(now),
            Json.objects(usage.result(), "items")), Json.flag(usage.result(), "truncated"),
            KeyUsage.of(Json.objects(perKey.result(), "items")), quota.result()))
        .onSuccess(view -> pages.render(ctx, 200, "usage/usage.jte", view))
        .onFailure(ctx::fail);
  }

  public void csv(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    UsageRange range = range(ctx);
    downloads.open(session.token(), ApiPath.tenant(tenant, "usage"), query(range, clock.instant(), "csv"),
            Calls.of(ctx))
        .onSuccess(upstream -> Downloads.relay(ctx, upstream, "usage-" + range.key() + ".csv"))
        .onFailure(ctx::fail);
  }

  public void updateQuota(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String back = TenantLinks.base(tenant) + "/usage";
    JsonObject changes = new JsonObject();
    for (String field : Quotas.FIELDS) {
      String value = Params.form(ctx, field, 19);
      String before = Params.form(ctx, "was-" + field, 19);
      if (value == null || value.equals(before)) {
        continue;
      }
      if (!value.matches("\\d{1,18}")) {
        FormOutcome.invalid(ctx, "Limits are whole numbers of zero or more.", back);
        return;
      }
      changes.put(field, Long.parseLong(value));
    }
    if (changes.isEmpty()) {
      FormOutcome.invalid(ctx, "No limit was changed.", back);
      return;
    }
    api.put(session.token(), ApiPath.tenant(tenant, "quota"), changes, Calls.of(ctx))
        .onSuccess(q -> FormOutcome.done(ctx, "Quota of " + tenant + " updated (" + String.join(", ",
            changes.fieldNames()) + "); gateways apply it within a second.", back))
        .onFailure(err -> FormOutcome.refused(ctx, err, back));
  }

  private static UsageRange range(RoutingContext ctx) {
    UsageRange range = UsageRange.of(Params.query(ctx, "range", 4));
    if (range == null) {
      throw new HttpException(400, "bad range");
    }
    return range;
  }

  /** The window's rows per model version; the CSV is also per API key, the most detailed export there is. */
  private static Map<String, String> query(UsageRange range, Instant now, String format) {
    return format.equals("csv")
        ? Map.of("from", range.from(now).toString(), "to", range.to(now).toString(), "by", range.by(),
            "perModel", "true", "perKey", "true", "format", format)
        : Map.of("from", range.from(now).toString(), "to", range.to(now).toString(), "by", range.by(),
            "perModel", "true", "format", format);
  }

  private static UsageView view(ConsoleSession session, String tenant, String base, UsageRange range, UsageSeries s,
      boolean truncated, List<KeyUsage> keys, JsonObject quota) {
    String pattern = range.axisPattern();
    LineChart traffic = LineChart.of("chart-traffic", "Requests per " + range.by(), s.buckets(), pattern, List.of(
        new LineChart.Series("Requests", asDoubles(s.requests()), Long.toString(s.totalRequests())),
        new LineChart.Series("Errors", asDoubles(s.errors()), Long.toString(s.totalErrors())),
        new LineChart.Series("Throttled", asDoubles(s.throttled()), Long.toString(s.totalThrottled()))),
        UsageHandler::count);
    List<LineChart.Series> perModel = s.computePerRequest().entrySet().stream()
        .map(e -> new LineChart.Series(e.getKey(), e.getValue(), "")).toList();
    LineChart compute = LineChart.of("chart-compute", "Compute per request (ms), by model", s.buckets(), pattern,
        perModel, v -> String.format(Locale.ROOT, v == 0 || v >= 10 ? "%.0f ms" : "%.1f ms", v));
    List<UsageView.RangeLink> ranges = Arrays.stream(UsageRange.values())
        .map(r -> new UsageView.RangeLink(r.label(), base + "?range=" + r.key(), r == range)).toList();
    return new UsageView(Nav.of(session, "usage"), tenant, base, ranges, range, List.of(traffic, compute),
        s.totalRequests(), s.totalErrors(), s.totalThrottled(), String.format(Locale.ROOT, "%.1f s",
            s.totalComputeMs() / 1000.0), truncated, keys, Quotas.rows(quota), session.user().isPlatformAdmin(),
        base + ".csv?range=" + range.key(), TenantLinks.base(tenant) + "/quota");
  }

  private static String count(double v) {
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }
    return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.1f", v);
  }

  private static double[] asDoubles(long[] values) {
    return Arrays.stream(values).asDoubleStream().toArray();
  }
}
