package io.mmaas.controlplane.usage;

import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.RowStreamer;
import io.mmaas.controlplane.tenants.Tenant;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/v1/tenants/:tenant/usage?from=&to=&by=minute|hour|day&perModel=true&perKey=true&format=json|csv}:
 * the tenant's metered usage for its admins and auditors, summed per bucket and, when asked, per model version and
 * per API key. JSON answers hold at most 10,000 rows and say {@code truncated} when there were more (narrow the range
 * or coarsen the bucket); the CSV export streams every row of the range from a database cursor.
 */
public final class UsageHandler {
  private static final Set<String> BUCKETS = Set.of("minute", "hour", "day");

  private final Pool pool;
  private final UsageRepository usage;
  private final AccessPolicy policy;
  private final Clock clock;

  public UsageHandler(Pool pool, UsageRepository usage, AccessPolicy policy, Clock clock) {
    this.pool = pool;
    this.usage = usage;
    this.policy = policy;
    this.clock = clock;
  }

  public void get(RoutingContext ctx) {
    Tenant tenant = TenantHandler.tenant(ctx);
    policy.requireUsageRead(Callers.of(ctx), tenant.id());
    var p = ctx.request();
    OffsetDateTime to = time(p.getParam("to"), clock.instant().atOffset(ZoneOffset.UTC).plusMinutes(1));
    OffsetDateTime from = time(p.getParam("from"), to.minusHours(24));
    String by = p.getParam("by", "hour");
    if (!BUCKETS.contains(by)) {
      throw new InvalidInputException("parameter 'by' must be minute, hour or day");
    }
    if (!from.isBefore(to) || Duration.between(from, to).toDays() > 400) {
      throw new InvalidInputException("'from' must be before 'to', at most 400 days apart");
    }
    UsageRepository.Query query = new UsageRepository.Query(tenant.id(), from, to, by, flag(p.getParam("perModel"),
        "perModel"), flag(p.getParam("perKey"), "perKey"));
    String format = p.getParam("format", "json");
    if (format.equals("csv")) {
      ctx.response().setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"usage-" + tenant.name() + ".csv\"")
          .putHeader("Cache-Control", "no-store");
      RowStreamer.stream(pool, query.sql(null), query.args(), query.csvHeader(), query::toCsv, ctx.response())
          .onSuccess(rows -> ctx.response().end())
          .onFailure(failure -> {
            if (!ctx.response().headWritten()) { // nothing sent yet: an ordinary error answer, not a CSV attachment
              ctx.response().setChunked(false).headers().remove("Content-Disposition");
            }
            ctx.fail(failure);
          });
      return;
    }
    if (!format.equals("json")) {
      throw new InvalidInputException("parameter 'format' must be json or csv");
    }
    usage.series(pool, query).onFailure(ctx::fail).onSuccess(rows -> {
      boolean truncated = rows.size() > UsageRepository.MAX_ROWS;
      List<JsonObject> shown = truncated ? rows.subList(0, UsageRepository.MAX_ROWS) : rows;
      ctx.json(new JsonObject().put("tenant", tenant.name()).put("from", from.toInstant().toString())
          .put("to", to.toInstant().toString()).put("by", by).put("truncated", truncated)
          .put("items", new JsonArray(shown)));
    });
  }

  private static boolean flag(String value, String name) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new InvalidInputException("parameter '" + name + "' must be true or false");
  }

  private static OffsetDateTime time(String v, OffsetDateTime def) {
    try {
      return v == null ? def : OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("times must be ISO-8601 with an offset, e.g. 2030-01-01T00:00:00Z");
    }
  }
}
