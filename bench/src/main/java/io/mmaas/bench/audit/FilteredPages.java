package io.mmaas.bench.audit;

import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.AdminApi;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Filtered first pages (newest first, 50 events) through the control plane's admin API, one request at a time, as an
 * auditor's console would ask; each filter's arguments vary per request (tenant, day) so no single page stays hot.
 * Every request also appends its own audit.list event, as in production.
 */
final class FilteredPages {
  private static final int WARM_UP = 20;

  private FilteredPages() {
  }

  /** A named filter whose query string is drawn afresh for each request. */
  record Filter(String name, Supplier<String> query) {
  }

  static List<Filter> filters(SyntheticEvents events, Instant end, Duration span) {
    Random r = new Random(1);
    List<UUID> tenants = events.tenants();
    Supplier<UUID> big = () -> tenants.get(r.nextInt(5));
    Supplier<UUID> any = () -> tenants.get(r.nextInt(tenants.size()));
    Supplier<String> day = () -> {
      Instant from = end.minus(span).plus(Duration.ofDays(1 + r.nextInt((int) Math.max(1, span.toDays() - 2))));
      return "&from=" + from + "&to=" + from.plus(Duration.ofDays(1));
    };
    return List.of(
        new Filter("none (baseline: newest 50)", () -> ""),
        new Filter("tenant + action (common: version.upload)",
            () -> "tenantId=" + any.get() + "&action=version.upload"),
        new Filter("tenant + action (rare: quota.update, 0.4 %)",
            () -> "tenantId=" + any.get() + "&action=quota.update"),
        new Filter("tenant + action (very rare: tenant.create, 5 largest tenants)",
            () -> "tenantId=" + big.get() + "&action=tenant.create"),
        new Filter("tenant + one day", () -> "tenantId=" + any.get() + day.get()),
        new Filter("tenant + action + one day",
            () -> "tenantId=" + big.get() + "&action=deployment.update" + day.get()),
        new Filter("outcome=denied", () -> "outcome=denied"),
        new Filter("outcome=failure + one day", () -> "outcome=failure" + day.get()),
        new Filter("actor", () -> "actorId=u-" + any.get().toString().substring(0, 8) + "-" + r.nextInt(20)),
        new Filter("action (rare: tenant.create)", () -> "action=tenant.create"));
  }

  static void run(AdminApi admin, String adminUrl, List<Filter> filters, int requests, Report report) {
    report.md("\n## Filtered pages (limit 50, newest first) through the admin API\n\n")
        .line("%d requests per filter after %d warm-up, one at a time; latency = request to last byte.%n", requests,
            WARM_UP)
        .md("| filter | first (cold) ms | p50 ms | p99 ms | max ms | mean items |\n|---|---|---|---|---|---|\n");
    JsonArray rows = new JsonArray();
    for (Filter f : filters) {
      Histogram h = new Histogram(3);
      double cold = 0;
      long items = 0;
      for (int i = 0; i < WARM_UP + requests; i++) {
        long t = System.nanoTime();
        HttpResponse<Buffer> resp = admin.send(adminUrl, HttpMethod.GET, "/api/v1/audit-events?limit=50&"
            + f.query().get(), null).await();
        long micros = (System.nanoTime() - t) / 1000;
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(f.name() + ": " + resp.statusCode() + " " + resp.bodyAsString());
        }
        if (i == 0) {
          cold = micros / 1000.0;
        }
        if (i >= WARM_UP) {
          h.recordValue(micros);
          items += resp.bodyAsJsonObject().getJsonArray("items").size();
        }
      }
      double mean = (double) items / requests;
      report.line("| %s | %.1f | %.1f | %.1f | %.1f | %.1f |", f.name(), cold, h.getValueAtPercentile(50) / 1000.0,
          h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, mean);
      rows.add(new JsonObject().put("filter", f.name()).put("coldMs", cold).put("requests", requests)
          .put("p50Ms", h.getValueAtPercentile(50) / 1000.0).put("p99Ms", h.getValueAtPercentile(99) / 1000.0)
          .put("maxMs", h.getMaxValue() / 1000.0).put("meanItems", mean));
    }
    report.json().put("filteredPages", rows);
  }
}
