package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.errors.ConflictException;
import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.tenants.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Users are created by admins: platform admins create anyone; a tenant's admins create tenant admins and auditors of
 * their own tenant. A user created without a password gets a generated one, returned once. Platform admins disable
 * and re-enable users; disabling ends the user's sessions at once.
 */
public final class UserService {
  private final Vertx vertx;
  private final Pool pool;
  private final UserRepository users;
  private final SessionRepository sessions;
  private final PasswordHasher hasher;
  private final AccessPolicy policy;
  private final AuditWriter audit;
  private final Clock clock;

  public UserService(Vertx vertx, Pool pool, UserRepository users, SessionRepository sessions, PasswordHasher hasher,
                     AccessPolicy policy, AuditWriter audit, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.users = users;
    this.sessions = sessions;
    this.hasher = hasher;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  /** A created user and, when the password was generated, that password (shown once). */
  public record Created(User user, String tenantName, String generatedPassword) {
    @Override
    public String toString() {
      return "Created[" + user.username() + "]";
    }
  }

  /**
   * Creates a user. {@code tenant} null means a platform-wide user (platform_admin, or a platform-wide auditor);
   * otherwise a tenant_admin or auditor of that tenant.
   */
  public Future<Created> create(Caller caller, Tenant tenant, String username, Role role, String password) {
    if (tenant == null) {
      policy.requirePlatformAdmin(caller);
      if (role == Role.TENANT_ADMIN) {
        throw new InvalidInputException("a tenant_admin is created under /api/v1/tenants/{tenant}/users");
      }
    } else {
      policy.requireTenantChange(caller, tenant);
      if (role == Role.PLATFORM_ADMIN) {
        throw new InvalidInputException("role must be tenant_admin or auditor for a tenant's user");
      }
    }
    String name = tenant == null ? platformName(username) : tenantScoped(username, tenant.name());
    String chosen = password != null ? password : AuthService.generatePassword();
    Passwords.check(name, chosen);
    OffsetDateTime now = now();
    return vertx.executeBlocking(() -> hasher.hash(chosen), false).compose(hash -> {
      User user = new User(UUID.randomUUID(), tenant == null ? null : tenant.id(), name, hash, role, null, now);
      String tenantName = tenant == null ? null : tenant.name();
      return pool.withTransaction(conn -> users.tryInsert(conn, user).compose(inserted -> {
        if (!inserted) {
          return Future.failedFuture(new ConflictException("username '" + name + "' is taken"));
        }
        return audit.append(conn, caller, AuditRecord.success("user.create", user.tenantId(), "user", user.id(),
            new JsonObject().put("after", user.toJson(tenantName))));
      })).map(e -> new Created(user, tenantName, password == null ? chosen : null));
    });
  }

  public Future<Pages.Page<UserRepository.Listed>> list(Caller caller, Tenant tenant, Pages.PageRequest page) {
    if (tenant == null) {
      policy.requirePlatformRead(caller);
    } else {
      policy.requireTenantRead(caller, tenant.id());
    }
    Pages.Cursor c = page.after();
    return users.page(pool, tenant == null ? null : tenant.id(), page.limit() + 1, c == null ? null : c.createdAt(),
            c == null ? null : c.id())
        .map(rows -> Pages.Page.of(rows, page.limit(), u -> new Pages.Cursor(u.user().createdAt(), u.user().id())));
  }

  /** The user, if the caller may see it (a tenant's users only inside that tenant): otherwise 404. */
  public Future<User> get(Caller caller, Tenant tenant, UUID id) {
    return users.findById(pool, id).compose(u -> {
      boolean visible = u != null && (tenant == null ? policy.maySeeAllUsers(caller)
          : tenant.id().equals(u.tenantId()) && policy.maySeeTenant(caller, tenant.id()));
      return visible ? Future.succeededFuture(u) : Future.failedFuture(new NotFoundException("user not found"));
    });
  }

  /** Disables (or re-enables) a user; disabling ends all of its sessions. Platform admins only. */
  public Future<User> setDisabled(Caller caller, UUID id, boolean disabled) {
    policy.requirePlatformAdmin(caller);
    if (disabled && caller.actor().id().equals(id.toString())) {
      throw new InvalidInputException("you cannot disable yourself");
    }
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> users.findById(conn, id).compose(before -> {
      if (before == null) {
        return Future.failedFuture(new NotFoundException("user not found"));
      }
      if (before.disabled() == disabled) {
        return Future.succeededFuture(before);
      }
      return users.setDisabled(conn, id, disabled ? now : null, now)
          .compose(v -> disabled ? sessions.revokeAllOf(conn, id, null, now) : Future.succeededFuture(0))
          .compose(ended -> users.findById(conn, id).compose(after -> audit.append(conn, caller,
              AuditRecord.success(disabled ? "user.disable" : "user.enable", after.tenantId(), "user", id,
                  new JsonObject().put("before", before.toJson(null)).put("after", after.toJson(null))
                      .put("sessionsEnded", ended))).map(after)));
    }));
  }

  /**
   * A tenant's users live in its own namespace, {@code <name>@<tenant>} (the suffix is added when it is not there
   * yet), so a taken name tells a tenant admin only about its own tenant's users, never whether a name exists in
   * another tenant. Tenant names have no '.' or '@', so no other tenant's or platform user's name can end the same
   * way (see {@link #platformName}).
   */
  static String tenantScoped(String username, String tenant) {
    String suffix = "@" + tenant;
    String scoped = username.endsWith(suffix) && username.length() > suffix.length() ? username : username + suffix;
    if (scoped.length() > 100) {
      throw new InvalidInputException("field 'username' with its '" + suffix + "' must have at most 100 characters");
    }
    return scoped;
  }

  /** Platform users may not take a name in a tenant's namespace ({@code …@<tenant name>}). */
  static String platformName(String username) {
    if (TENANT_SUFFIX.matcher(username).find()) {
      throw new InvalidInputException("field 'username': a platform user's name may not end in '@' and a tenant "
          + "name (those belong to the tenants' users; an e-mail address such as ops@example.com is fine)");
    }
    return username;
  }

  private static final java.util.regex.Pattern TENANT_SUFFIX = java.util.regex.Pattern.compile("@[a-z0-9][a-z0-9-]{1,62}$");

  private OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }
}
