package io.mmaas.controlplane.audit;

import static io.mmaas.controlplane.audit.AuditTesting.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Actor;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.auth.Role;
import io.mmaas.controlplane.errors.ConflictException;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.mmaas.controlplane.tenants.TenantService;
import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The control plane running as the application role (MMAAS_DATABASE_ROLE=mmaas_app): that role cannot change or
 * remove audit rows; an audit write that fails takes the change with it; and concurrent writers produce exactly one
 * event per successful change on one unbroken chain.
 */
@DisplayName("Audit integrity: append-only role, same-transaction writes, concurrent writers")
class AuditIntegrityTest {
  static ControlPlaneFixture cp;
  static String admin;
  static Pool appPool;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start(Map.of("MMAAS_DATABASE_ROLE", "mmaas_app"));
    admin = cp.adminToken();
    appPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(16))
        .connectingTo(PgConnectOptions.fromUri(io.mmaas.controlplane.app.Config.from(Map.of(
            "MMAAS_DATABASE_URL", cp.db.url(), "MMAAS_DATABASE_ROLE", "mmaas_app",
            "MMAAS_JWT_SECRET", "x".repeat(32), "MMAAS_AGENT_SERVING_SECRET", "y".repeat(32))).databaseUrl()))
        .using(cp.vertx).build();
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("the application's role may read and append audit rows but gets 'permission denied' for UPDATE, DELETE and TRUNCATE")
  void appRoleIsAppendOnly() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "role-check"));
    assertThat(appPool.query("SELECT current_user").execute().await().iterator().next().getString(0))
        .isEqualTo("mmaas_app");
    assertThat(appPool.query("SELECT count(*) FROM audit_events").execute().await().iterator().next().getLong(0))
        .isPositive();
    for (String sql : List.of("UPDATE audit_events SET actor_name = 'x' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 1", "TRUNCATE audit_events",
        "UPDATE audit_checkpoints SET hash = hash", "DELETE FROM audit_checkpoints", "TRUNCATE audit_checkpoints")) {
      assertThatThrownBy(() -> appPool.query(sql).execute().await()).as(sql)
          .hasMessageContaining("permission denied for table audit_");
    }
    // the same holds for a direct login as the role (trust authentication locally)
    try (var c = DriverManager.getConnection(cp.db.jdbcUrl(), "mmaas_app", null); var s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_events")).hasMessageContaining("permission denied");
    }
    // and the owner is stopped by the trigger
    try (var c = cp.db.connect(); var s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_events")).hasMessageContaining("append-only");
    }
  }

  @Test
  @DisplayName("when the audit insert fails, the change it describes is rolled back and the chain stays whole")
  void failedAuditRollsBackTheChange() throws Exception {
    try (var c = cp.db.connect(); var s = c.createStatement()) {
      s.execute("""
          CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.action = 'tenant.create' AND NEW.details LIKE '%doomed%' THEN
              RAISE EXCEPTION 'injected audit failure';
            END IF;
            RETURN NEW;
          END $$""");
      s.execute("CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_events FOR EACH ROW "
          + "EXECUTE FUNCTION test_fail_audit()");
    }
    try {
      long events = cp.auditCount();
      var r = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication(admin)
          .sendJsonObject(new JsonObject().put("name", "doomed-tenant")).await();
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(scalar(cp, "SELECT count(*) FROM tenants WHERE name = 'doomed-tenant'")).isZero();
      assertThat(cp.auditCount()).isEqualTo(events);
      cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "fine-tenant"));
      assertThat(scalar(cp, "SELECT count(*) FROM tenants WHERE name = 'fine-tenant'")).isOne();
    } finally {
      try (var c = cp.db.connect(); var s = c.createStatement()) {
        s.execute("DROP TRIGGER test_fail_audit ON audit_events");
      }
    }
    assertThat(cp.get(admin, "/api/v1/audit-events/verify").getBoolean("valid")).isTrue();
  }

  @Test
  @DisplayName("32 concurrent writers: one audit event per successful change, none for refused ones, and the chain verifies")
  void concurrentWriters() {
    int writers = 32;
    int changes = Integer.getInteger("mmaas.audit.changesPerWriter", 100);
    TenantService tenants = new TenantService(appPool, new TenantRepository(), new AccessPolicy(),
        new AuditWriter(Clock.systemUTC()), new DenialAuditor(appPool, new AuditWriter(Clock.systemUTC()),
        Clock.systemUTC(), 60_000), Clock.systemUTC());
    Caller caller = new Caller(Actor.user(UUID.randomUUID(), "load", Role.PLATFORM_ADMIN, null), "load", null, null);
    AtomicLong ok = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    long started = System.nanoTime();
    List<Future<Void>> all = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      all.add(writer(tenants, caller, w, changes, 0, ok, refused));
    }
    Future.all(all).await();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("concurrent audit writers: %d x %d attempts in %.1f s (%.0f changes/s)%n", writers, changes,
        seconds, ok.get() / seconds);
    assertThat(ok.get() + refused.get()).isEqualTo((long) writers * changes);
    assertThat(refused.get()).as("every tenth attempt repeats a name").isEqualTo((long) writers * (changes / 10));
    assertThat(scalar(cp, "SELECT count(*) FROM tenants WHERE name LIKE 'load-%'")).isEqualTo(ok.get());
    assertThat(scalar(cp, "SELECT count(*) FROM audit_events WHERE action = 'tenant.create' AND actor_name = 'load'"))
        .isEqualTo(ok.get());
    JsonObject verdict = cp.get(admin, "/api/v1/audit-events/verify");
    assertThat(verdict.getBoolean("valid")).as("%s", verdict).isTrue();
  }

  /** One writer: its attempts one after another; every tenth reuses the previous name and must be refused. */
  private static Future<Void> writer(TenantService tenants, Caller caller, int w, int total, int i, AtomicLong ok,
                                     AtomicLong refused) {
    if (i == total) {
      return Future.succeededFuture();
    }
    boolean repeat = i % 10 == 9;
    String name = "load-" + w + "-" + (repeat ? i - 1 : i);
    return tenants.create(caller, name, null)
        .<Void>map(t -> {
          ok.incrementAndGet();
          return null;
        })
        .recover(e -> {
          if (repeat && e instanceof ConflictException) {
            refused.incrementAndGet();
            return Future.succeededFuture();
          }
          return Future.failedFuture(e);
        })
        .compose(v -> writer(tenants, caller, w, total, i + 1, ok, refused));
  }
}
