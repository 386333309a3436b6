package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.errors.UnauthorizedException;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in and the first platform admin. Every sign-in, successful or not, writes an audit event; an unknown user and
 * a wrong password get the same answer after the same amount of work.
 */
public final class AuthService {
  private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private final Vertx vertx;
  private final Pool pool;
  private final UserRepository users;
  private final TenantRepository tenants;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final AuditWriter audit;
  private final Clock clock;

  public AuthService(Vertx vertx, Pool pool, UserRepository users, TenantRepository tenants, PasswordHasher hasher,
                     Tokens tokens, AuditWriter audit, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.users = users;
    this.tenants = tenants;
    this.hasher = hasher;
    this.tokens = tokens;
    this.audit = audit;
    this.clock = clock;
  }

  /** The result of a successful sign-in. */
  public record Session(Tokens.Issued token, User user, String tenantName) {
  }

  /** The caller as the API shows a user: id, username, role and tenant name. */
  public Future<JsonObject> describe(Actor actor) {
    Future<String> tenantName = actor.tenantId() == null ? Future.succeededFuture(null)
        : tenants.findById(pool, actor.tenantId()).map(t -> t == null ? null : t.name());
    return tenantName.map(name -> userJson(actor.id(), actor.name(), actor.role(), name));
  }

  static JsonObject userJson(String id, String username, Role role, String tenant) {
    return new JsonObject().put("id", id).put("username", username).put("role", role.wire()).put("tenant", tenant);
  }

  public Future<Session> login(Caller caller, String username, String password) {
    return users.findByUsername(pool, username).compose(user -> vertx.executeBlocking(() ->
            hasher.verify(password, user == null ? null : user.passwordHash()), false)
        .compose(ok -> {
          if (!ok || user.disabled()) {
            Caller anon = caller.as(Actor.anonymous(username));
            AuditRecord record = AuditRecord.failure("auth.login", user == null ? null : user.tenantId(), "user",
                user == null ? null : user.id(), new JsonObject().put("reason", user == null ? "unknown user"
                    : user.disabled() ? "user disabled" : "wrong password"));
            return audit.appendAlone(pool, anon, record)
                .transform(ignored -> Future.failedFuture(new UnauthorizedException("invalid username or password")));
          }
          Tokens.Issued issued = tokens.issue(user.id(), user.username(), user.role(), user.tenantId());
          Caller who = caller.as(Actor.user(user.id(), user.username(), user.role(), user.tenantId()));
          return audit.appendAlone(pool, who, AuditRecord.success("auth.login", user.tenantId(), "user", user.id(),
                  new JsonObject()))
              .compose(e -> user.tenantId() == null ? Future.succeededFuture((String) null)
                  : tenants.findById(pool, user.tenantId()).map(t -> t == null ? null : t.name()))
              .map(name -> new Session(issued, user, name));
        }));
  }

  /**
   * On first start (no platform admin yet) creates one, with the configured password or a generated one that is
   * printed once. Returns the generated password, or null when none was generated or an admin already existed.
   */
  public Future<String> bootstrapAdmin(String username, String configuredPassword) {
    return users.anyPlatformAdmin(pool).compose(present -> {
      if (present) {
        return Future.succeededFuture(null);
      }
      String password = configuredPassword != null ? configuredPassword : generatePassword();
      return vertx.executeBlocking(() -> hasher.hash(password), false).compose(hash -> pool.withTransaction(conn -> {
        User admin = new User(UUID.randomUUID(), null, username, hash, Role.PLATFORM_ADMIN, null,
            clock.instant().atOffset(ZoneOffset.UTC));
        return users.insert(conn, admin).compose(u -> audit.append(conn, Caller.system("bootstrap"),
            AuditRecord.success("user.create", null, "user", u.id(),
                new JsonObject().put("after", new JsonObject().put("username", u.username()).put("role", u.role().wire())))));
      })).map(e -> {
        LOG.info("created platform admin '{}'", username);
        return configuredPassword == null ? password : null;
      });
    });
  }

  private static String generatePassword() {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
