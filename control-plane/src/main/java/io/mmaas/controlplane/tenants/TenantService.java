package io.mmaas.controlplane.tenants;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Actor;
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

  /**
   * The tenant named in a path, if the caller may act in it; otherwise 404, whether or not it exists. A refused
   * probe by a tenant-scoped caller is recorded in the caller's own tenant's trail (who, from where, which name it
   * asked for), where its auditors and the platform see it, whether the name exists or not, so that trail does not
   * tell existing tenants from others either. The probed tenant, when it exists, learns only that someone from
   * another tenant was refused: no name, address or user agent.
   */
  public Future<Tenant> resolve(Caller caller, String name) {
    return tenants.findByName(pool, name).compose(tenant -> {
      if (tenant != null && policy.maySeeTenant(caller, tenant.id())) {
        return Future.succeededFuture(tenant);
      }
      NotFoundException notFound = new NotFoundException("tenant '" + name + "' not found");
      UUID own = caller.actor().tenantId();
      if (own == null) {
        return Future.failedFuture(notFound); // callers who see every tenant: it just does not exist
      }
      Future<Void> mine = denials.record(caller, AuditRecord.denied("tenant.access", own, "tenant", null,
          new JsonObject().put("reason", "not the caller's tenant").put("requestedTenant", name)));
      Future<Void> theirs = tenant == null ? Future.succeededFuture()
          : denials.record(new Caller(Actor.anonymous(null), caller.requestId(), null, null),
              AuditRecord.denied("tenant.access", tenant.id(), "tenant", tenant.id(),
                  new JsonObject().put("reason", "a user of another tenant was refused")));
      return Future.join(mine, theirs).transform(ignored -> Future.failedFuture(notFound));
    });
  }
}
