package io.mmaas.console.audit;

import io.mmaas.console.http.Params;
import io.mmaas.console.pages.TenantLinks;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The audit filters (tenant, action, outcome, actor, a time range [from, to) in UTC, and the keyset position
 * {@code before}), read from the page's query and passed on as the API's query, for pages and exports alike.
 *
 * @param from the inclusive start as an ISO-8601 instant, or null
 * @param to the exclusive end as an ISO-8601 instant, or null
 */
public record AuditFilter(String tenantId, String action, String outcome, String actorId, String from, String to,
    String before) {
  static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");
  /** What a {@code datetime-local} input sends: a UTC time without a zone, to the minute or the second. */
  private static final Pattern LOCAL = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?");

  static AuditFilter from(RoutingContext ctx) {
    String before = Params.query(ctx, "before", 19);
    if (before != null && !before.matches("\\d{1,19}")) {
      throw new HttpException(400, "bad cursor");
    }
    String tenantId = Params.query(ctx, "tenantId", 36);
    if (tenantId != null && !tenantId.matches("[0-9a-fA-F-]{36}")) {
      throw new HttpException(400, "bad tenant id");
    }
    String outcome = Params.query(ctx, "outcome", 10);
    if (outcome != null && !OUTCOMES.contains(outcome)) {
      throw new HttpException(400, "bad outcome");
    }
    return new AuditFilter(tenantId, Params.query(ctx, "action", 100), outcome, Params.query(ctx, "actorId", 100),
        instant(Params.query(ctx, "from", 40)), instant(Params.query(ctx, "to", 40)), before);
  }

  /** A time from the form (UTC, no zone) or from a link (an ISO instant) as an ISO instant; 400 otherwise. */
  static String instant(String v) {
    if (v == null) {
      return null;
    }
    String iso = LOCAL.matcher(v).matches() ? v + (v.length() == 16 ? ":00Z" : "Z") : v;
    try {
      return Instant.parse(iso).toString();
    } catch (DateTimeParseException e) {
      throw new HttpException(400, "bad time");
    }
  }

  /** The value a {@code datetime-local} input shows for an instant: "2026-03-01T10:00:00". */
  static String inputValue(String instant) {
    return instant == null ? null : instant.replace("Z", "").replaceAll("\\.\\d+$", "");
  }

  public String fromInput() {
    return inputValue(from);
  }

  public String toInput() {
    return inputValue(to);
  }

  Map<String, String> apiQuery(int limit) {
    Map<String, String> q = filters();
    q.put("limit", Integer.toString(limit));
    if (before != null) {
      q.put("before", before);
    }
    return q;
  }

  /** The export's query: the same filters, every matching event (no page position). */
  Map<String, String> exportQuery(String format) {
    Map<String, String> q = filters();
    q.put("format", format);
    return q;
  }

  /** The console's address of the page after this one: same filters, older events. */
  String nextHref(String nextBefore) {
    StringBuilder href = new StringBuilder("/audit?");
    filters().forEach((k, v) -> href.append(k).append('=').append(TenantLinks.query(v)).append('&'));
    return href.append("before=").append(TenantLinks.query(nextBefore)).toString();
  }

  /** The first page with the same filters. */
  String firstHref() {
    return withFilters("/audit");
  }

  /** The console's export address for {@code format} (csv, jsonl) with the same filters. */
  String exportHref(String format) {
    return withFilters("/audit/export." + format);
  }

  private String withFilters(String path) {
    StringBuilder href = new StringBuilder(path);
    char sep = '?';
    for (Map.Entry<String, String> e : filters().entrySet()) {
      href.append(sep).append(e.getKey()).append('=').append(TenantLinks.query(e.getValue()));
      sep = '&';
    }
    return href.toString();
  }

  private Map<String, String> filters() {
    Map<String, String> q = new LinkedHashMap<>();
    put(q, "tenantId", tenantId);
    put(q, "action", action);
    put(q, "outcome", outcome);
    put(q, "actorId", actorId);
    put(q, "from", from);
    put(q, "to", to);
    return q;
  }

  private static void put(Map<String, String> q, String key, String value) {
    if (value != null) {
      q.put(key, value);
    }
  }
}
