package io.mmaas.controlplane.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.agents.AgentRepository;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.leader.LeaderLease;
import io.mmaas.controlplane.testing.DatabaseLink;
import io.mmaas.controlplane.testing.MutableClock;
import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The scheduler against real PostgreSQL (through a TCP proxy that can cut the link) with an injected clock: leases
 * that lapsed while the control plane could not record heartbeats are not held against the agents.
 */
@DisplayName("The scheduler does not punish agents for the control plane's own outage")
class SchedulerOutageTest {
  private static final Duration LEASE = Duration.ofSeconds(10);

  private TestDatabase db;
  private Vertx vertx;
  private DatabaseLink link;
  private Pool pool;
  /** The scheduler's leader lease, held by this test for longer than it runs (its renewals are not started). */
  private LeaderLease leader;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-10T10:00:00Z"));
  private final List<UUID> agents = new ArrayList<>();
  private final List<UUID> replicas = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    db = TestDatabase.create();
    link = DatabaseLink.to(db.url());
    vertx = Vertx.vertx();
    PgConnectOptions connect = PgConnectOptions.fromUri(link.url());
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(1_000)).connectingTo(connect).using(vertx)
        .build();
    leader = new LeaderLease(vertx, pool, LeaderLease.SCHEDULER, "scheduler-outage-test", Duration.ofMinutes(5));
    assertThat(leader.round().await()).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    pool.close().await();
    vertx.close().await();
    link.close();
    db.close();
  }

  private Scheduler scheduler() {
    return new Scheduler(pool, leader, new AuditWriter(clock), clock, LEASE, Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("after regaining the database it releases only the agent that stays silent for a lease period it could observe")
  void graceAfterOutage() throws Exception {
    seed(3);
    Scheduler scheduler = scheduler();
    assertThat(scheduler.tick().await()).isTrue();
    clock.advance(Duration.ofSeconds(5));
    heartbeat(0, 1, 2);
    assertThat(scheduler.tick().await()).isTrue();

    link.cut(); // the database is unreachable for a minute: nobody can record a heartbeat
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(20));
      assertThat(tickFails(scheduler)).isTrue();
    }
    link.restore();

    assertThat(scheduler.tick().await()).isTrue(); // every lease has lapsed: none is judged yet
    assertThat(scheduler.judgingLeases()).isFalse();
    assertThat(heldBy(0)).isTrue();
    assertThat(heldBy(1)).isTrue();
    assertThat(heldBy(2)).isTrue();
    clock.advance(Duration.ofSeconds(3));
    heartbeat(0, 1); // two agents answer again; the third is really gone
    scheduler.tick().await();
    clock.advance(Duration.ofSeconds(4));
    scheduler.tick().await();
    assertThat(heldBy(2)).isTrue();
    assertThat(leaseAudits()).isZero();

    clock.advance(Duration.ofSeconds(4)); // 11 s after regaining the database
    heartbeat(0, 1);
    scheduler.tick().await();
    assertThat(scheduler.judgingLeases()).isTrue();
    assertThat(heldBy(0)).isTrue();
    assertThat(heldBy(1)).isTrue();
    assertThat(heldBy(2)).isFalse();
    assertThat(leaseAudits()).isEqualTo(1);
    assertThat(scheduler.holdingBack()).isFalse();
  }

  @Test
  @DisplayName("a lease shorter than an agent's longest pause between heartbeat retries (3 s vs 5 s): the agent whose "
      + "retry comes last after the outage is not released (before: released 3 s after regaining the database)")
  void shortLeaseGraceCoversRetryPause() throws Exception {
    Duration lease = Duration.ofSeconds(3);
    Duration interval = Duration.ofSeconds(1);
    seed(2);
    Scheduler scheduler = new Scheduler(pool, leader, new AuditWriter(clock), clock, lease, interval);
    heartbeat(lease, 0, 1);
    assertThat(scheduler.tick().await()).isTrue();
    link.cut(); // the database is unreachable for a minute; the agents' retries back off to one every 5 s
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(20));
      assertThat(tickFails(scheduler)).isTrue();
    }
    link.restore();
    assertThat(scheduler.tick().await()).isTrue();
    // agent 0's retry comes at once and it heartbeats every second from then on; agent 1's comes 5 s later
    for (int second = 1; second <= 7; second++) {
      clock.advance(Duration.ofSeconds(1));
      heartbeat(lease, 0);
      if (second >= 5) {
        heartbeat(lease, 1);
      }
      scheduler.tick().await();
      assertThat(heldBy(1)).as("agent 1 holds its replica " + second + " s after regaining the database").isTrue();
    }
    assertThat(scheduler.judgingLeases()).isTrue();
    assertThat(heldBy(0)).isTrue();
    assertThat(leaseAudits()).isZero();
    assertThat(Scheduler.graceFor(Duration.ofSeconds(10), Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("a scheduler that takes over waits a lease period, then releases nothing while most agents look dead at once, audited once")
  void fullDisruption() throws Exception {
    seed(3);
    clock.advance(Duration.ofSeconds(40)); // the previous scheduler and the agent API were gone; leases lapsed
    Scheduler takingOver = scheduler();
    heartbeat(0);
    assertThat(takingOver.tick().await()).isTrue();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(4));
      heartbeat(0);
      takingOver.tick().await();
    }
    // 16 s on: two of three agents look dead at once (67 % > 55 %, at least 2): the scheduler blames itself
    assertThat(takingOver.holdingBack()).isTrue();
    assertThat(heldBy(1)).isTrue();
    assertThat(heldBy(2)).isTrue();
    assertThat(disruptionAudits()).isEqualTo(1);
    assertThat(takingOver.disruptions()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(4));
    heartbeat(0, 1); // one comes back: one dead of three is an agent's problem, not ours
    takingOver.tick().await();
    assertThat(takingOver.holdingBack()).isFalse();
    assertThat(heldBy(0)).isTrue();
    assertThat(heldBy(1)).isTrue();
    assertThat(heldBy(2)).isFalse();
    assertThat(disruptionAudits()).isEqualTo(1);
  }

  @Test
  @DisplayName("the full-disruption rule: more than 55 % and at least two, or all")
  void rule() {
    assertThat(Scheduler.fullDisruption(1, 1)).isTrue();
    assertThat(Scheduler.fullDisruption(1, 2)).isFalse();
    assertThat(Scheduler.fullDisruption(2, 2)).isTrue();
    assertThat(Scheduler.fullDisruption(2, 3)).isTrue();
    assertThat(Scheduler.fullDisruption(1, 3)).isFalse();
    assertThat(Scheduler.fullDisruption(5, 10)).isFalse();
    assertThat(Scheduler.fullDisruption(6, 10)).isTrue();
    assertThat(Scheduler.fullDisruption(0, 10)).isFalse();
  }

  private boolean tickFails(Scheduler scheduler) {
    try {
      scheduler.tick().await();
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  /** Tenant, model, version, a deployment of {@code n} replicas, {@code n} agents each holding one READY replica. */
  private void seed(int n) throws Exception {
    Timestamp now = Timestamp.from(clock.instant());
    UUID tenant = UUID.randomUUID();
    UUID model = UUID.randomUUID();
    UUID version = UUID.randomUUID();
    UUID deployment = UUID.randomUUID();
    String sha = "a".repeat(64);
    try (Connection c = db.connect()) {
      exec(c, "INSERT INTO tenants (id, name, display_name, created_at, updated_at) VALUES (?, 'acme', 'Acme', ?, ?)",
          tenant, now, now);
      exec(c, "INSERT INTO blobs (sha256, size_bytes, created_at) VALUES (?, 1000, ?)", sha, now);
      exec(c, "INSERT INTO models (id, tenant_id, name, created_at) VALUES (?, ?, 'iris', ?)", model, tenant, now);
      exec(c, "INSERT INTO model_versions (id, model_id, tenant_id, version, sha256, size_bytes, ir_version, opsets,"
          + " inputs, outputs, created_at) VALUES (?, ?, ?, 1, ?, 1000, 8, '[]', '[]', '[]', ?)",
          version, model, tenant, sha, now);
      exec(c, "INSERT INTO deployments (id, tenant_id, model_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
          deployment, tenant, model, now, now);
      exec(c, "INSERT INTO deployment_targets (deployment_id, version_id, weight, replicas, created_at)"
          + " VALUES (?, ?, 100, ?, ?)", deployment, version, n, now);
      for (int i = 0; i < n; i++) {
        UUID agent = UUID.randomUUID();
        UUID replica = UUID.randomUUID();
        exec(c, "INSERT INTO agents (id, name, serving_url, credential_hash, capabilities, lease_expires_at,"
            + " enrolled_at) VALUES (?, ?, 'http://127.0.0.1:1', ?, '{\"hostMemoryBytes\": 1000000000}', ?, ?)",
            agent, "agent-" + i, agent.toString().getBytes(), Timestamp.from(clock.instant().plus(LEASE)), now);
        exec(c, "INSERT INTO replicas (id, deployment_id, version_id, agent_id, state, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, 'READY', ?, ?)", replica, deployment, version, agent, now, now);
        agents.add(agent);
        replicas.add(replica);
      }
    }
  }

  /** What the agent API records for a heartbeat: the lease renewed from now. */
  private void heartbeat(int... which) {
    heartbeat(LEASE, which);
  }

  private void heartbeat(Duration lease, int... which) {
    var at = clock.instant().atOffset(ZoneOffset.UTC);
    for (int i : which) {
      new AgentRepository().renewLease(pool, agents.get(i), "http://127.0.0.1:1",
          new JsonObject().put("hostMemoryBytes", 1_000_000_000L), "CPU", at.plus(lease), at).await();
    }
  }

  /** Whether agent {@code i} still holds its replica, READY. */
  private boolean heldBy(int i) throws Exception {
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT agent_id = ? AND state = 'READY' FROM replicas WHERE id = ?")) {
      s.setObject(1, agents.get(i));
      s.setObject(2, replicas.get(i));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private long leaseAudits() throws Exception {
    return count("SELECT count(*) FROM audit_events WHERE action = 'agent.lease_expired'");
  }

  private long disruptionAudits() throws Exception {
    return count("SELECT count(*) FROM audit_events WHERE action = 'scheduler.full_disruption'");
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.connect(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void exec(Connection c, String sql, Object... args) throws Exception {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    }
  }
}
