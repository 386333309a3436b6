package io.mmaas.controlplane.quotas;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Responses;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** {@code /api/v1/tenants/:tenant/quota}: read with usage; platform admins change it. */
public final class QuotaHandler {
  /** Each settable limit and its allowed range. */
  private static final Map<String, long[]> FIELDS = Map.of(
      "requestsPerSecond", new long[] {1, 1_000_000},
      "burst", new long[] {1, 10_000_000},
      "requestsPerDay", new long[] {1, Long.MAX_VALUE / 2},
      "concurrentRequests", new long[] {1, 100_000},
      "maxModels", new long[] {0, 100_000},
      "maxStorageBytes", new long[] {0, Long.MAX_VALUE / 2},
      "maxReplicas", new long[] {0, 10_000},
      "maxGpuMemoryBytes", new long[] {0, Long.MAX_VALUE / 2});

  private final QuotaService quotas;

  public QuotaHandler(QuotaService quotas) {
    this.quotas = quotas;
  }

  public void get(RoutingContext ctx) {
    Responses.reply(ctx, 200, quotas.get(Callers.of(ctx), TenantHandler.tenant(ctx)));
  }

  public void update(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, FIELDS.keySet());
    if (body.isEmpty()) {
      throw new InvalidInputException("give at least one of " + FIELDS.keySet());
    }
    JsonObject patch = new JsonObject();
    for (String f : body.fieldNames()) {
      Object v = body.getValue(f);
      long[] range = FIELDS.get(f);
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
          || n.longValue() < range[0] || n.longValue() > range[1]) {
        throw new InvalidInputException("field '" + f + "' must be an integer between " + range[0] + " and " + range[1]);
      }
      patch.put(f, n.longValue());
    }
    Responses.reply(ctx, 200, quotas.update(Callers.of(ctx), TenantHandler.tenant(ctx), patch));
  }
}
