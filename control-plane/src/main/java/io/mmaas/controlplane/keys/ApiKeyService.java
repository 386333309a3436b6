package io.mmaas.controlplane.keys;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.errors.ConflictException;
import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.quotas.Quota;
import io.mmaas.controlplane.quotas.QuotaRepository;
import io.mmaas.controlplane.tenants.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Tenant API keys: issued with the secret shown once (only its hash is kept), listed without secrets, revoked.
 * Audit details carry the key's id and prefix, never the key.
 */
public final class ApiKeyService {
  private final Pool pool;
  private final ApiKeyRepository keys;
  private final AccessPolicy policy;
  private final AuditWriter audit;
  private final QuotaRepository quotas;
  private final Clock clock;

  public ApiKeyService(Pool pool, ApiKeyRepository keys, QuotaRepository quotas, AccessPolicy policy,
                       AuditWriter audit, Clock clock) {
    this.quotas = quotas;
    this.pool = pool;
    this.keys = keys;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  /** A created key and its one-time plaintext. */
  public record Created(ApiKey key, String plaintext) {
    @Override
    public String toString() {
      return "Created[" + key.keyId() + "]";
    }
  }

  /** Optional per-key limits; each must not exceed the tenant's. */
  public record Limits(Integer requestsPerSecond, Integer burst, Integer concurrentRequests) {
    public static final Limits NONE = new Limits(null, null, null);
  }

  public Future<Created> create(Caller caller, Tenant tenant, String name, List<String> scopes,
                                List<String> models, OffsetDateTime expiresAt, Limits limits) {
    policy.requireTenantChange(caller, tenant);
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    List<String> granted = scopes == null ? ApiKey.ALL_SCOPES : List.copyOf(scopes);
    if (granted.isEmpty() || !ApiKey.ALL_SCOPES.containsAll(granted)) {
      throw new InvalidInputException("scopes must be a non-empty subset of " + ApiKey.ALL_SCOPES);
    }
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new InvalidInputException("expiresAt must be in the future");
    }
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate();
    ApiKey key = new ApiKey(UUID.randomUUID(), tenant.id(), generated.keyId(), name,
        ApiKeyFormat.displayPrefix(generated.keyId()), generated.secretHash(), granted,
        models == null ? null : List.copyOf(models), expiresAt, null, null, now, limits.requestsPerSecond(),
        limits.burst(), limits.concurrentRequests());
    UUID createdBy = "user".equals(caller.actor().type()) ? UUID.fromString(caller.actor().id()) : null;
    return pool.withTransaction(conn -> quotas.find(conn, tenant.id()).compose(q -> checkWithin(q, limits))
            .compose(x -> keys.insert(conn, key, createdBy))
            .compose(v -> audit.append(conn, caller, AuditRecord.success("api_key.create", tenant.id(), "api_key",
                key.id(), new JsonObject().put("after", key.toJson())))))
        .map(e -> new Created(key, generated.key()));
  }

  private static Future<Void> checkWithin(Quota q, Limits l) {
    if (l.requestsPerSecond() != null && l.requestsPerSecond() > q.requestsPerSecond()
        || l.burst() != null && l.burst() > q.burst()
        || l.concurrentRequests() != null && l.concurrentRequests() > q.concurrentRequests()) {
      return Future.failedFuture(new InvalidInputException("a key's limits cannot exceed the tenant's ("
          + q.requestsPerSecond() + " requests/s, burst " + q.burst() + ", " + q.concurrentRequests() + " concurrent)"));
    }
    if (l.burst() != null && l.requestsPerSecond() == null) {
      return Future.failedFuture(new InvalidInputException("limits.burst needs limits.requestsPerSecond"));
    }
    return Future.succeededFuture();
  }

  public Future<Pages.Page<ApiKey>> list(Caller caller, Tenant tenant, Pages.PageRequest page) {
    policy.requireTenantRead(caller, tenant.id());
    return keys.page(pool, tenant.id(), page).map(rows -> Pages.Page.of(rows, page.limit(),
        k -> new Pages.Cursor(k.createdAt(), k.id())));
  }

  public Future<ApiKey> get(Caller caller, Tenant tenant, UUID id) {
    policy.requireTenantRead(caller, tenant.id());
    return keys.find(pool, tenant.id(), id).compose(k -> k == null
        ? Future.failedFuture(new NotFoundException("api key not found")) : Future.succeededFuture(k));
  }

  /**
   * Rotates a key: issues a new key with the same name, scopes, models and expiry, and lets the old one work until
   * {@code oldKeyExpiresAt} (now when null), so applications can switch over without downtime.
   */
  public Future<Created> rotate(Caller caller, Tenant tenant, UUID id, OffsetDateTime oldKeyExpiresAt) {
    policy.requireTenantChange(caller, tenant);
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    OffsetDateTime oldUntil = oldKeyExpiresAt == null ? now : oldKeyExpiresAt;
    if (oldUntil.isBefore(now) || oldUntil.isAfter(now.plusDays(30))) {
      throw new InvalidInputException("oldKeyExpiresAt must be between now and 30 days from now");
    }
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate();
    UUID createdBy = "user".equals(caller.actor().type()) ? UUID.fromString(caller.actor().id()) : null;
    return pool.withTransaction(conn -> keys.find(conn, tenant.id(), id).compose(old -> {
      if (old == null) {
        return Future.failedFuture(new NotFoundException("api key not found"));
      }
      if (!old.usableAt(now.toInstant())) {
        return Future.failedFuture(new ConflictException("a revoked or expired key cannot be rotated"));
      }
      OffsetDateTime until = old.expiresAt() != null && old.expiresAt().isBefore(oldUntil) ? old.expiresAt() : oldUntil;
      ApiKey fresh = new ApiKey(UUID.randomUUID(), tenant.id(), generated.keyId(), old.name(),
          ApiKeyFormat.displayPrefix(generated.keyId()), generated.secretHash(), old.scopes(), old.modelAllowList(),
          old.expiresAt(), null, null, now, old.rateLimitRps(), old.rateLimitBurst(), old.maxConcurrent());
      return keys.insert(conn, fresh, createdBy, old.id())
          .compose(v -> keys.expireAt(conn, old.id(), until))
          .compose(v -> keys.announce(conn, old.keyId()))
          .compose(v -> keys.find(conn, tenant.id(), old.id()))
          .compose(after -> audit.append(conn, caller, AuditRecord.success("api_key.rotate", tenant.id(), "api_key",
              old.id(), new JsonObject().put("before", old.toJson()).put("after", after.toJson())
                  .put("newKey", fresh.toJson()))))
          .map(e -> new Created(fresh, generated.key()));
    }));
  }

  /** Revokes the key; revoking an already revoked key changes nothing and succeeds. */
  public Future<ApiKey> revoke(Caller caller, Tenant tenant, UUID id) {
    policy.requireTenantWrite(caller, tenant.id());
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> keys.find(conn, tenant.id(), id).compose(before -> {
      if (before == null) {
        return Future.failedFuture(new NotFoundException("api key not found"));
      }
      if (before.revokedAt() != null) {
        return Future.succeededFuture(before);
      }
      return keys.revoke(conn, id, now).compose(v -> keys.announce(conn, before.keyId()))
          .compose(v -> keys.find(conn, tenant.id(), id)).compose(after ->
          audit.append(conn, caller, AuditRecord.success("api_key.revoke", tenant.id(), "api_key", id,
              new JsonObject().put("before", before.toJson()).put("after", after.toJson()))).map(after));
    }));
  }
}
