package io.mmaas.console.audit;

import io.mmaas.console.http.Params;
import io.mmaas.console.pages.TenantLinks;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The audit filters the API supports now (tenant, action, outcome, actor, and the keyset position {@code before}),
 * read from the page's query and passed on as the API's query. Time ranges and free text wait for the API.
 */
public record AuditFilter(String tenantId, String action, String outcome, String actorId, String before) {
  static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");

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
        before);
  }

  Map<String, String> apiQuery(int limit) {
    Map<String, String> q = filters();
    q.put("limit", Integer.toString(limit));
    if (before != null) {
      q.put("before", before);
    }
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
    StringBuilder href = new StringBuilder("/audit");
    char sep = '?';
    for (Map.Entry<String, String> e : filters().entrySet()) {
      href.append(sep).append(e.getKey()).append('=').append(TenantLinks.query(e.getValue()));
      sep = '&';
    }
    return href.toString();
  }

  private Map<String, String> filters() {
    Map<String, String> q = new LinkedHashMap<>();
    if (tenantId != null) {
      q.put("tenantId", tenantId);
    }
    if (action != null) {
      q.put("action", action);
    }
    if (outcome != null) {
      q.put("outcome", outcome);
    }
    if (actorId != null) {
      q.put("actorId", actorId);
    }
    return q;
  }
}
