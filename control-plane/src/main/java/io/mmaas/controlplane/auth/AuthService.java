package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.errors.ApiException;
import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.UnauthorizedException;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in, sessions and passwords. Every sign-in, successful, failed or throttled, writes an audit event; an unknown
 * user and a wrong password get the same answer after the same work. Each sign-in opens a session row that every
 * request checks, so signing out, changing the password or disabling the user ends sessions at once.
 */
public final class AuthService {
  private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Pool pool;
  /** Where failed sign-ins are written (anyone can cause them): not the pool everything else depends on. */
  private final Pool anonymousPool;
  private final UserRepository users;
  private final SessionRepository sessions;
  private final TenantRepository tenants;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final SignInThrottle throttle;
  private final AuditWriter audit;
  private final io.mmaas.controlplane.audit.DenialAuditor denials;
  private final Clock clock;
  /**
   * Sign-in password checks (anyone can ask for one) run on a pool of half the cores: a burst of them queues there
   * instead of taking every core from the admin API and the gateway.
   */
  private final io.vertx.core.WorkerExecutor signInHashing;

  public AuthService(Vertx vertx, Pool pool, Pool anonymousPool, UserRepository users, SessionRepository sessions,
                     TenantRepository tenants, PasswordHasher hasher, Tokens tokens, SignInThrottle throttle,
                     AuditWriter audit, io.mmaas.controlplane.audit.DenialAuditor denials, Clock clock) {
    this.denials = denials;
    this.vertx = vertx;
    this.pool = pool;
    this.anonymousPool = anonymousPool;
    this.users = users;
    this.sessions = sessions;
    this.tenants = tenants;
    this.hasher = hasher;
    this.tokens = tokens;
    this.throttle = throttle;
    this.audit = audit;
    this.clock = clock;
    this.signInHashing = vertx.createSharedWorkerExecutor("mmaas-sign-in-hashing",
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  /** The result of a successful sign-in. */
  public record Session(Tokens.Issued token, User user, String tenantName) {
  }

  /** Thrown when sign-in attempts for this account or source must wait. */
  public static final class ThrottledException extends ApiException {
    private final long retryAfterSeconds;

    public ThrottledException(long retryAfterSeconds) {
      super(429, "too_many_attempts", "too many sign-in attempts; retry later");
      this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  public Future<Session> login(Caller caller, String username, String password) {
    String source = caller.sourceIp() == null ? "-" : caller.sourceIp();
    Caller anon = caller.as(Actor.anonymous(username));
    long waitMs = throttle.check(username, source);
    if (waitMs > 0) {
      long seconds = Math.max(1, (waitMs + 999) / 1000);
      // summarised like other denials (one event per source and claimed name a window, plus a count): a flood of
      // throttled attempts costs no audit write each
      return denials.record(anon, AuditRecord.denied("auth.login", null, "user", null,
              new JsonObject().put("reason", "throttled")))
          .transform(x -> Future.failedFuture(new ThrottledException(seconds)));
    }
    return users.findByUsername(pool, username).compose(user -> signInHashing.executeBlocking(() ->
            hasher.verify(password, user == null ? null : user.passwordHash()), false)
        .compose(ok -> {
          if (!ok || user.disabled()) {
            // already counted by check(), before the hash
            AuditRecord record = AuditRecord.failure("auth.login", user == null ? null : user.tenantId(), "user",
                user == null ? null : user.id(), new JsonObject().put("reason", user == null ? "unknown user"
                    : !ok ? "wrong password" : "user disabled"));
            return audit.appendAlone(anonymousPool, anon, record)
                .transform(ignored -> Future.failedFuture(new UnauthorizedException("invalid username or password")));
          }
          throttle.succeeded(username, source);
          UUID sessionId = UUID.randomUUID();
          OffsetDateTime now = now();
          Tokens.Issued issued = tokens.issue(user.id(), sessionId);
          return pool.withTransaction(conn -> sessions.insert(conn, sessionId, user.id(), now,
                      now.plusSeconds(tokens.ttlSeconds()), caller.sourceIp(), caller.userAgent())
                  .compose(v -> audit.append(conn, caller.as(user.actor()), AuditRecord.success("auth.login",
                      user.tenantId(), "user", user.id(), new JsonObject().put("sessionId", sessionId.toString())))))
              .compose(e -> tenantName(user.tenantId()))
              .map(name -> new Session(issued, user, name));
        }));
  }

  /** The caller behind a bearer token: the session must be open and the user enabled; role comes from the database. */
  public Future<Actor> authenticate(String token) {
    return tokens.verify(token).compose(v -> sessions.live(pool, v.sessionId(), v.userId(), now())).compose(live ->
        live == null ? Future.failedFuture(new UnauthorizedException("session ended; sign in again"))
            : Future.succeededFuture(Actor.user(live.user().id(), live.user().username(), live.user().role(),
            live.user().tenantId(), live.sessionId())));
  }

  public Future<Void> logout(Caller caller) {
    Actor a = caller.actor();
    return pool.withTransaction(conn -> sessions.revoke(conn, a.sessionId(), now())
        .compose(n -> audit.append(conn, caller, AuditRecord.success("auth.logout", a.tenantId(), "user", a.id(),
            new JsonObject().put("sessionId", String.valueOf(a.sessionId())))))).mapEmpty();
  }

  /** Changes the caller's own password (the current one is required) and ends its other sessions. */
  public Future<Void> changePassword(Caller caller, String current, String next) {
    Actor a = caller.actor();
    UUID userId = UUID.fromString(a.id());
    Passwords.check(a.name(), next);
    return users.findById(pool, userId).compose(user -> vertx.executeBlocking(() ->
        hasher.verify(current, user.passwordHash()) ? hasher.hash(next) : null, false)).compose(hash -> {
          if (hash == null) {
            return audit.appendAlone(pool, caller, AuditRecord.failure("user.password_change", a.tenantId(), "user",
                    a.id(), new JsonObject().put("reason", "wrong current password")))
                .transform(x -> Future.failedFuture(new InvalidInputException("the current password is wrong")));
          }
          OffsetDateTime now = now();
          return pool.withTransaction(conn -> users.setPassword(conn, userId, hash, now)
              .compose(v -> sessions.revokeAllOf(conn, userId, a.sessionId(), now))
              .compose(ended -> audit.append(conn, caller, AuditRecord.success("user.password_change", a.tenantId(),
                  "user", a.id(), new JsonObject().put("otherSessionsEnded", ended))))).mapEmpty();
        });
  }

  /** The caller as the API shows a user: id, username, role and tenant name. */
  public Future<JsonObject> describe(Actor actor) {
    return tenantName(actor.tenantId()).map(name -> userJson(actor.id(), actor.name(), actor.role(), name));
  }

  static JsonObject userJson(String id, String username, Role role, String tenant) {
    return new JsonObject().put("id", id).put("username", username).put("role", role.wire()).put("tenant", tenant);
  }

  private Future<String> tenantName(UUID tenantId) {
    return tenantId == null ? Future.succeededFuture(null)
        : tenants.findById(pool, tenantId).map(t -> t == null ? null : t.name());
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
        User admin = new User(UUID.randomUUID(), null, username, hash, Role.PLATFORM_ADMIN, null, now());
        return users.tryInsert(conn, admin).compose(inserted -> !inserted ? Future.succeededFuture()
            : audit.append(conn, Caller.system("bootstrap"), AuditRecord.success("user.create", null, "user",
                admin.id(), new JsonObject().put("after", admin.toJson(null)))).mapEmpty());
      })).map(e -> {
        LOG.info("created platform admin '{}'", username);
        return configuredPassword == null ? password : null;
      });
    });
  }

  public static String generatePassword() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  private OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }
}
