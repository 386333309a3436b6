package io.mmaas.controlplane.quotas;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.keys.ApiKeyRepository;
import io.mmaas.controlplane.tenants.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Tenants' quotas: read by the tenant's admins and auditors (with current usage), changed by platform admins only.
 * A change is announced to every gateway so new limits apply within a second.
 */
public final class QuotaService {
  private final Pool pool;
  private final QuotaRepository quotas;
  private final ApiKeyRepository keys;
  private final AccessPolicy policy;
  private final AuditWriter audit;
  private final Clock clock;

  public QuotaService(Pool pool, QuotaRepository quotas, ApiKeyRepository keys, AccessPolicy policy, AuditWriter audit,
                      Clock clock) {
    this.pool = pool;
    this.quotas = quotas;
    this.keys = keys;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  public Future<JsonObject> get(Caller caller, Tenant tenant) {
    policy.requireUsageRead(caller, tenant.id());
    return quotas.find(pool, tenant.id()).compose(q -> quotas.usage(pool, tenant.id(),
            LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))
        .map(u -> new JsonObject().put("tenant", tenant.name()).put("limits", q.toJson()).put("usage", u)));
  }

  /** Replaces the given limits (others unchanged). */
  public Future<JsonObject> update(Caller caller, Tenant tenant, JsonObject patch) {
    policy.requirePlatformAdmin(caller);
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> quotas.lock(conn, tenant.id()).compose(before -> {
      Quota after = before.with(patch);
      return quotas.update(conn, after, now)
          .compose(v -> keys.announce(conn, "tenant:" + tenant.id()))
          .compose(v -> audit.append(conn, caller, AuditRecord.success("quota.update", tenant.id(), "quota",
              tenant.id(), new JsonObject().put("before", before.toJson()).put("after", after.toJson()))))
          .map(e -> after.toJson());
    }));
  }
}
