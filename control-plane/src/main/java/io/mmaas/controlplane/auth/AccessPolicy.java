package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.audit.AuditRepository;
import io.mmaas.controlplane.errors.ApiException;
import io.mmaas.controlplane.errors.ForbiddenException;
import io.mmaas.controlplane.tenants.Tenant;
import java.util.UUID;

/**
 * The admin API's authorization rules, in one place. Tenant isolation: a tenant-scoped user may see only its own
 * tenant, and services answer 404 for any other (via {@code TenantService.resolve}). Role checks answer 403.
 */
public final class AccessPolicy {

  public void requirePlatformAdmin(Caller caller) {
    if (!caller.actor().is(Role.PLATFORM_ADMIN)) {
      throw new ForbiddenException("this action needs the platform_admin role");
    }
  }

  /** Platform-wide reading: platform admins and platform-wide auditors. */
  public void requirePlatformRead(Caller caller) {
    Actor a = caller.actor();
    if (!(a.is(Role.PLATFORM_ADMIN) || (a.is(Role.AUDITOR) && a.tenantId() == null))) {
      throw new ForbiddenException("this listing needs the platform_admin role or a platform-wide auditor");
    }
  }

  public void requirePlatformAuditRead(Caller caller) {
    requirePlatformRead(caller);
  }

  /** Whether the caller may see anything of this tenant (otherwise the tenant does not exist for it). */
  public boolean maySeeTenant(Caller caller, UUID tenantId) {
    Actor a = caller.actor();
    if (a.is(Role.PLATFORM_ADMIN) || (a.is(Role.AUDITOR) && a.tenantId() == null)) {
      return true;
    }
    return a.tenantId() != null && a.tenantId().equals(tenantId);
  }

  /** Reading a tenant's objects (keys, models, deployments, users): its tenant admins and platform admins. */
  public void requireTenantRead(Caller caller, UUID tenantId) {
    requireTenantWrite(caller, tenantId);
  }

  /** The platform-wide user list and any user by id: platform admins. */
  public boolean maySeeAllUsers(Caller caller) {
    return caller.actor().is(Role.PLATFORM_ADMIN);
  }

  /** Quotas and usage: platform admins and auditors, and the tenant's own admins and auditors. */
  public void requireUsageRead(Caller caller, UUID tenantId) {
    if (!maySeeTenant(caller, tenantId)) {
      throw new io.mmaas.controlplane.errors.NotFoundException("tenant not found");
    }
  }

  /** Changing a tenant's objects: its tenant admins and platform admins; auditors never change anything. */
  public void requireTenantWrite(Caller caller, UUID tenantId) {
    Actor a = caller.actor();
    boolean ok = a.is(Role.PLATFORM_ADMIN) || (a.is(Role.TENANT_ADMIN) && tenantId.equals(a.tenantId()));
    if (!ok) {
      throw new ForbiddenException(a.is(Role.AUDITOR) ? "auditors have read-only access to audit events and usage"
          : "this action needs the tenant_admin role for this tenant");
    }
  }

  /** 403 {@code tenant_suspended}: the change waits until a platform admin resumes the tenant. */
  public static final class TenantSuspendedException extends ApiException {
    public TenantSuspendedException(String tenant) {
      super(403, "tenant_suspended", "tenant '" + tenant + "' is suspended: its models, deployments, keys and users "
          + "cannot be added to or changed until it is resumed (reads, deletions and revocations still work)");
    }
  }

  /**
   * Adding to or changing what a tenant serves or who may use it (models, versions, aliases, deployments, API keys,
   * users): {@link #requireTenantWrite}, and the tenant must not be suspended. What suspension means, in this one
   * place: no data-plane traffic (the gateway refuses the tenant's keys), no uploads, no new or changed models,
   * aliases, deployments, keys or users; reads, the audit log, deletions and revocations stay, so a suspended tenant
   * can be inspected and wound down but not grown. The refusal is a 403, audited as a denial.
   */
  public void requireTenantChange(Caller caller, Tenant tenant) {
    requireTenantWrite(caller, tenant.id());
    if (!Tenant.ACTIVE.equals(tenant.state())) {
      throw new TenantSuspendedException(tenant.name());
    }
  }

  /** Narrows an audit filter to what the caller may read; tenant-scoped callers only see their tenant. */
  public AuditRepository.Filter scopeAuditFilter(Caller caller, AuditRepository.Filter f) {
    Actor a = caller.actor();
    if (a.is(Role.PLATFORM_ADMIN) || (a.is(Role.AUDITOR) && a.tenantId() == null)) {
      return f;
    }
    if (a.tenantId() == null) {
      throw new ForbiddenException("no access to the audit log");
    }
    return new AuditRepository.Filter(a.tenantId(), f.action(), f.outcome(), f.actorId(), f.beforeSeq());
  }
}
