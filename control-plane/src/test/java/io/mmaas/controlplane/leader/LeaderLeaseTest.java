package io.mmaas.controlplane.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The leader lease against real PostgreSQL (expiry by the database's clock, so these tests wait for real time): two
 * "processes" are two {@link LeaderLease}s with their own pools and holder names.
 */
@DisplayName("The leader lease: one holder at a time, takeover after expiry, stale writes refused by the epoch")
class LeaderLeaseTest {
  /** Two seconds: with one, a renewal every quarter lease missed its lease once in CI on the loaded 2-core machine. */
  private static final Duration LEASE = Duration.ofSeconds(2);

  private static TestDatabase db;
  private static Vertx vertx;
  private static Pool poolA;
  private static Pool poolB;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.create();
    vertx = Vertx.vertx();
    poolA = pool();
    poolB = pool();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE leader_probe (id bigserial PRIMARY KEY, writer text NOT NULL, epoch bigint NOT NULL)");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    poolA.close().await();
    poolB.close().await();
    vertx.close().await();
    db.close();
  }

  @BeforeEach
  void freshLease() throws Exception {
    sql("UPDATE leader_lease SET holder = NULL, epoch = 0, expires_at = '-infinity' WHERE name = 'scheduler'");
    sql("TRUNCATE leader_probe");
  }

  private static Pool pool() {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(PgConnectOptions.fromUri(db.url()))
        .using(vertx).build();
  }

  private static LeaderLease lease(Pool pool, String holder) {
    return new LeaderLease(vertx, pool, LeaderLease.SCHEDULER, holder, LEASE);
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long scalar(String query) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A leader-only write: one row naming the writer and the epoch it believed it held. */
  private static Future<Void> write(LeaderLease lease, Pool pool, String writer) {
    return lease.fenced(pool, conn -> probe(conn, writer, lease.epoch()));
  }

  private static Future<Void> probe(SqlConnection conn, String writer, long epoch) {
    return conn.preparedQuery("INSERT INTO leader_probe (writer, epoch) VALUES ($1, $2)")
        .execute(Tuple.of(writer, epoch)).mapEmpty();
  }

  private static void waitFor(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - end).as("waiting for " + what).isNegative();
      Thread.sleep(20);
    }
  }

  /** Tries to take the lease every 50 ms until it does; yields the milliseconds that took. */
  private static long takeOver(LeaderLease lease, Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    waitFor(lease.holder() + " leads", limit, () -> lease.round().await());
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  @DisplayName("the first process to try leads with epoch 1; a second cannot while the lease is renewed, and keeps "
      + "no view of leading")
  void acquireAndRenew() throws Exception {
    LeaderLease a = lease(poolA, "a");
    LeaderLease b = lease(poolB, "b");
    assertThat(a.round().await()).isTrue();
    assertThat(a.epoch()).isEqualTo(1);
    assertThat(a.isLeader()).isTrue();
    long deadline = System.nanoTime() + LEASE.multipliedBy(3).toNanos();
    while (System.nanoTime() < deadline) { // three lease periods, renewing every quarter lease
      assertThat(a.round().await()).as("a renews").isTrue();
      assertThat(b.round().await()).as("b cannot take a renewed lease").isFalse();
      Thread.sleep(LEASE.dividedBy(4).toMillis());
    }
    assertThat(b.isLeader()).isFalse();
    assertThat(a.epoch()).isEqualTo(1);
    assertThat(scalar("SELECT epoch FROM leader_lease WHERE name = 'scheduler'")).isEqualTo(1);
    write(a, poolA, "a").await();
    assertThat(scalar("SELECT count(*) FROM leader_probe WHERE writer = 'a'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a leader that stops renewing loses the lease after it expires by the database's clock: the other takes "
      + "over with the next epoch, the old leader's renewal is refused and its stale write is refused and rolled back")
  void takeoverAfterExpiryAndStaleWriteRefused() throws Exception {
    LeaderLease a = lease(poolA, "a");
    LeaderLease b = lease(poolB, "b");
    assertThat(a.round().await()).isTrue();
    assertThat(b.round().await()).isFalse();
    long tookMs = takeOver(b, LEASE.multipliedBy(5)); // a is "paused": it neither renews nor writes
    assertThat(tookMs).as("not before the lease expired").isGreaterThanOrEqualTo(LEASE.toMillis() - 100);
    assertThat(b.epoch()).isEqualTo(2);
    write(b, poolB, "b").await();

    // a resumes and writes with the epoch it was elected with, before it learnt anything: the database refuses it
    Future<Void> stale = poolA.withTransaction(conn -> a.check(conn, 1).compose(v -> probe(conn, "a-stale", 1)));
    assertThat(stale.otherwise(e -> null).await()).isNull();
    assertThat(stale.cause()).isInstanceOf(FencedException.class).hasMessageContaining("newer leader");
    assertThat(a.fencedWrites()).isEqualTo(1);
    assertThat(a.isLeader()).as("a stopped acting as leader").isFalse();
    Future<Void> again = write(a, poolA, "a");
    assertThat(again.otherwise(e -> null).await()).isNull();
    assertThat(again.cause()).isInstanceOf(FencedException.class).hasMessageContaining("does not lead");
    assertThat(scalar("SELECT count(*) FROM leader_probe WHERE writer LIKE 'a%'")).as("a's stale writes").isZero();
    assertThat(a.round().await()).as("a's next round cannot take b's lease").isFalse();
    assertThat(b.round().await()).isTrue();
    assertThat(scalar("SELECT count(*) FROM leader_probe WHERE writer = 'b' AND epoch = 2")).isEqualTo(1);
  }

  @Test
  @DisplayName("a leader's own clock ends its term after one lease without a renewal: it refuses its own writes "
      + "locally, even before the database's lease has expired")
  void localLapse() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    LeaderLease a = new LeaderLease(vertx, poolA, LeaderLease.SCHEDULER, "a", LEASE, now::get);
    assertThat(a.round().await()).isTrue();
    now.addAndGet(LEASE.toNanos()); // a long pause: no renewal came through for a whole lease
    assertThat(a.isLeader()).isFalse();
    Future<Void> w = write(a, poolA, "a");
    assertThat(w.otherwise(e -> null).await()).isNull();
    assertThat(w.cause()).isInstanceOf(FencedException.class).hasMessageContaining("lapsed");
    assertThat(a.fencedWrites()).isEqualTo(1);
    assertThat(scalar("SELECT count(*) FROM leader_probe")).isZero();
  }

  @Test
  @DisplayName("a takeover waits for the old leader's open fenced transaction, whose write then commits first; "
      + "the leader's own renewal does not wait for it")
  void takeoverWaitsForOpenFencedTransaction() throws Exception {
    LeaderLease a = lease(poolA, "a");
    LeaderLease b = lease(poolB, "b");
    assertThat(a.round().await()).isTrue();
    Promise<Void> release = Promise.promise();
    Future<Void> longWrite = a.fenced(poolA, conn -> probe(conn, "a", a.epoch())
        // the transaction stays busy (not idle) past the lease, as a slow leader write would
        .compose(v -> conn.query("SELECT pg_sleep(" + LEASE.multipliedBy(2).toMillis() / 1000.0 + ")").execute())
        .compose(v -> release.future()));
    waitFor("a's transaction to hold the lease row", Duration.ofSeconds(5), () -> {
      try {
        return scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") == 1;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(a.round().await()).as("a's renewal does not wait for its own write").isTrue();
    Thread.sleep(LEASE.plusMillis(200).toMillis()); // the lease expires; a does not renew
    Future<Boolean> takeover = b.round();
    Thread.sleep(300);
    assertThat(takeover.isComplete()).as("b's takeover waits for a's open transaction").isFalse();
    release.complete();
    longWrite.await();
    assertThat(takeover.await()).isTrue();
    assertThat(b.epoch()).isEqualTo(2);
    assertThat(scalar("SELECT count(*) FROM leader_probe WHERE writer = 'a' AND epoch = 1")).isEqualTo(1);
  }

  @Test
  @DisplayName("a fenced transaction left idle by a stopped process is ended by the database after one lease, so the "
      + "takeover is not blocked and the stale write never commits")
  void idleFencedTransactionEnded() throws Exception {
    LeaderLease a = lease(poolA, "a");
    LeaderLease b = lease(poolB, "b");
    assertThat(a.round().await()).isTrue();
    Promise<Void> resume = Promise.promise();
    Future<Void> stuck = a.fenced(poolA, conn -> resume.future() // the process stops between two statements
        .compose(v -> probe(conn, "a", a.epoch())));
    long tookMs = takeOver(b, LEASE.multipliedBy(6));
    resume.complete();
    assertThat(stuck.otherwise(e -> null).await()).isNull();
    assertThat(stuck.failed()).as("the stale transaction failed").isTrue();
    assertThat(b.epoch()).isEqualTo(2);
    assertThat(tookMs).as("the takeover took at most about two leases").isLessThan(LEASE.multipliedBy(4).toMillis());
    assertThat(scalar("SELECT count(*) FROM leader_probe")).isZero();
  }

  @Test
  @DisplayName("a leader that stops ends its lease, so the next process leads at its next round")
  void stopReleases() throws Exception {
    LeaderLease a = lease(poolA, "a");
    LeaderLease b = lease(poolB, "b");
    assertThat(a.start().await()).isTrue();
    a.stop().await();
    assertThat(a.isLeader()).isFalse();
    assertThat(b.round().await()).isTrue();
    assertThat(b.epoch()).isEqualTo(2);
  }
}
