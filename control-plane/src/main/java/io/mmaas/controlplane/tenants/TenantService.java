package io.mmaas.controlplane.tenants;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.errors.ConflictException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Pages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Tenants: created by platform admins with default quotas. {@link #resolve} is how every tenant-scoped request
 * finds its tenant: through the access policy, so a tenant the caller may not see does not exist for it (404).
 */
public final class TenantService {
  private final Pool pool;
  private final TenantRepository tenants;
  private final AccessPolicy policy;
  private final AuditWriter audit;
  private final DenialAuditor denials;
  private final Clock clock;

  public TenantService(Pool pool, TenantRepository tenants, AccessPolicy policy, AuditWriter audit,
                       DenialAuditor denials, Clock clock) {
    this.denials = denials;
    this.pool = pool;
    this.tenants = tenants;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  public Future<Tenant> create(Caller caller, String name, String displayName) {
    policy.requirePlatformAdmin(caller);
    var now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    Tenant tenant = new Tenant(UUID.randomUUID(), name, displayName == null ? name : displayName, "ACTIVE", now);
    return pool.withTransaction(conn -> tenants.insert(conn, tenant).compose(inserted -> {
      if (!inserted) {
        return Future.failedFuture(new ConflictException("tenant '" + name + "' already exists"));
      }
      return tenants.insertDefaultQuota(conn, tenant.id(), now)
          .compose(v -> audit.append(conn, caller, AuditRecord.success("tenant.create", tenant.id(), "tenant",
              tenant.id(), new JsonObject().put("after", tenant.toJson()))))
          .map(tenant);
    }));
  }

  /**
   * Suspends (or resumes) a tenant: its API keys stop working on every gateway within a second; its objects stay,
   * readable, and nothing can be added or changed until it is resumed (see {@code AccessPolicy.requireTenantChange}).
   * Platform admins only.
   */
  public Future<Tenant> setState(Caller caller, Tenant tenant, boolean suspended) {
    policy.requirePlatformAdmin(caller);
    String state = suspended ? Tenant.SUSPENDED : Tenant.ACTIVE;
    if (state.equals(tenant.state())) {
      return Future.succeededFuture(tenant);
    }
    var now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    Tenant after = new Tenant(tenant.id(), tenant.name(), tenant.displayName(), state, tenant.createdAt());
    return pool.withTransaction(conn -> tenants.setState(conn, tenant.id(), state, now)
        .compose(v -> io.mmaas.controlplane.gateway.ChangeListener.announce(conn, "tenant:" + tenant.id()))
        .compose(v -> audit.append(conn, caller, AuditRecord.success(suspended ? "tenant.suspend" : "tenant.resume",
            tenant.id(), "tenant", tenant.id(), new JsonObject().put("before", tenant.toJson()).put("after", after.toJson()))))
        .map(after));
  }

  public Future<Pages.Page<Tenant>> list(Caller caller, Pages.PageRequest page) {
    policy.requirePlatformRead(caller);
    return tenants.page(pool, page).map(rows -> Pages.Page.of(rows, page.limit(),
        t -> new Pages.Cursor(t.createdAt(), t.id())));
  }

  /** The tenant named in a path, if the caller may act in it; otherwise 404 (and a denial is audited). */
  public Future<Tenant> resolve(Caller caller, String name) {
    return tenants.findByName(pool, name).compose(tenant -> {
      if (tenant == null) {
        return Future.failedFuture(new NotFoundException("tenant '" + name + "' not found"));
      }
      if (!policy.maySeeTenant(caller, tenant.id())) {
        return denials.record(caller, AuditRecord.denied("tenant.access", tenant.id(), "tenant", tenant.id(),
                new JsonObject().put("reason", "caller belongs to another tenant")))
            .transform(ignored -> Future.failedFuture(new NotFoundException("tenant '" + name + "' not found")));
      }
      return Future.succeededFuture(tenant);
    });
  }
}
