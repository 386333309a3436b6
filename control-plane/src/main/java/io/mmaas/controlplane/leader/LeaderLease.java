package io.mmaas.controlplane.leader;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's claim on one singleton (a row of {@code leader_lease}): taken when the row's lease has expired by the
 * database's clock, which raises its epoch; renewed every {@link #renewInterval}; and given up at once when a renewal
 * is refused, when no renewal came through for a whole lease period by this process's monotonic clock (a database
 * that cannot be reached, a long pause), or when a fenced write is refused.
 *
 * <p>The local view is only a first guard. What makes leader work safe is {@link #fenced}: each leader-only write runs
 * in a transaction that first locks the lease row with the epoch it was elected with ({@code FOR KEY SHARE}, see
 * V24), so a leader that was paused past its lease and resumes finds its writes refused ({@link FencedException})
 * once a newer leader exists, and a takeover waits for the old leader's open transactions to end. Such a transaction
 * cannot stay open forever if its process stops: it carries {@code idle_in_transaction_session_timeout} of one lease.
 */
public final class LeaderLease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
  /** The scheduler's lease: placement and agent leases, audit checkpoints, blob collection. */
  public static final String SCHEDULER = "scheduler";
  /** How often the holder renews (and a follower tries to take an expired lease), at most. */
  static final Duration RENEW_AT_MOST_EVERY = Duration.ofMillis(500);

  /** One term of leadership: the epoch (fencing token) and, by {@link System#nanoTime}, when it lapses locally. */
  private record Term(long epoch, long validUntilNanos) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final String name;
  private final String holder;
  private final Duration lease;
  private final LongSupplier nanos;
  private final AtomicReference<Term> term = new AtomicReference<>();
  /** The round in flight, or null: rounds do not overlap. */
  private final AtomicReference<Future<Boolean>> inFlight = new AtomicReference<>();
  private final LongAdder fencedWrites = new LongAdder();
  private final LongAdder elections = new LongAdder();
  private final List<Runnable> onElected = new CopyOnWriteArrayList<>();
  private volatile long lastEpoch;
  private volatile boolean renewalFailing;
  private volatile long timer = -1;
  private volatile boolean stopped;

  /**
   * @param pool where renewals run (fenced writes run on the caller's pool, see {@link #fenced})
   * @param name the row, e.g. {@link #SCHEDULER}
   * @param holder this process's identity in the row ({@link #holderId()})
   * @param lease how long a renewal holds the lease (by the database's clock)
   */
  public LeaderLease(Vertx vertx, Pool pool, String name, String holder, Duration lease) {
    this(vertx, pool, name, holder, lease, System::nanoTime);
  }

  LeaderLease(Vertx vertx, Pool pool, String name, String holder, Duration lease, LongSupplier nanos) {
    if (lease.toMillis() < 1) {
      throw new IllegalArgumentException("a lease must last at least a millisecond");
    }
    this.vertx = vertx;
    this.pool = pool;
    this.name = name;
    this.holder = holder;
    this.lease = lease;
    this.nanos = nanos;
  }

  /**
   * A holder name that tells operators which process leads: host (the {@code HOSTNAME} variable, a pod's name under
   * Kubernetes; no DNS lookup on the event loop), pid and a random part (pids get reused).
   */
  public static String holderId() {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? "host" : host) + "/" + ProcessHandle.current().pid() + "/"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** How often the lease is renewed or tried: a quarter of the lease, at most every 500 ms. */
  public Duration renewInterval() {
    Duration quarter = lease.dividedBy(4);
    return quarter.compareTo(RENEW_AT_MOST_EVERY) < 0 ? quarter : RENEW_AT_MOST_EVERY;
  }

  /** Runs {@code action} (on the lease's context) each time this process becomes leader. */
  public LeaderLease onElected(Runnable action) {
    onElected.add(action);
    return this;
  }

  /**
   * Creates the row if a migration did not, tries to lead at once, then renews or retries every interval; yields
   * whether this process leads after the first attempt (false, too, when the database cannot be reached).
   */
  public Future<Boolean> start() {
    return pool.preparedQuery("INSERT INTO leader_lease (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
        .execute(Tuple.of(name))
        .compose(v -> round(), e -> renewalFailed(e))
        .onComplete(x -> {
          if (!stopped) {
            timer = vertx.setPeriodic(Math.max(1, renewInterval().toMillis()), id -> round());
          }
        });
  }

  /**
   * Stops renewing and, if this process leads, ends the lease now so that another process takes over within one of
   * its renewal intervals instead of a whole lease.
   */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    Term t = term.getAndSet(null);
    if (t == null) {
      return Future.succeededFuture();
    }
    LOG.info("leaving leadership of '{}' (epoch {})", name, t.epoch());
    return pool.preparedQuery("UPDATE leader_lease SET expires_at = clock_timestamp() "
            + "WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()")
        .execute(Tuple.of(name, holder, t.epoch())).<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  /**
   * One renewal (when leading) or one attempt to take the lease (when not); yields whether this process leads after
   * it. Rounds do not overlap: a call while one runs yields that one's outcome.
   */
  public Future<Boolean> round() {
    Promise<Boolean> mine = Promise.promise();
    Future<Boolean> running = inFlight.compareAndExchange(null, mine.future());
    if (running != null) {
      return running;
    }
    long sent = nanos.getAsLong();
    Term t = term.get();
    if (t != null && sent - t.validUntilNanos() >= 0) {
      stepDown(t, "no renewal came through for " + lease.toMillis() + " ms");
      t = null;
    }
    (t == null ? acquire(sent) : renew(t, sent)).onComplete(outcome -> {
      inFlight.set(null);
      mine.handle(outcome);
    });
    return mine.future();
  }

  private Future<Boolean> renew(Term t, long sent) {
    return pool.preparedQuery("""
            UPDATE leader_lease SET renewed_at = clock_timestamp(),
              expires_at = clock_timestamp() + $4::bigint * interval '1 millisecond'
            WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()""")
        .execute(Tuple.of(name, holder, t.epoch(), lease.toMillis()))
        .map(rs -> {
          renewed();
          if (rs.rowCount() == 1) {
            // measured from before the request left: the database's expiry is always later than this
            term.compareAndSet(t, new Term(t.epoch(), sent + lease.toNanos()));
            return isLeader();
          }
          stepDown(t, "renewal refused: the lease expired or a newer leader holds it");
          return false;
        })
        .recover(e -> renewalFailed(e));
  }

  private Future<Boolean> acquire(long sent) {
    // the lease's remaining time comes back too (the CTE's snapshot, from before the update), so that a follower
    // tries again right when it expires instead of up to one renewal interval later
    return pool.preparedQuery("""
            WITH taken AS (
              UPDATE leader_lease SET holder = $2, epoch = epoch + 1, acquired_at = clock_timestamp(),
                renewed_at = clock_timestamp(), expires_at = clock_timestamp() + $3::bigint * interval '1 millisecond'
              WHERE name = $1 AND expires_at <= clock_timestamp() RETURNING epoch)
            SELECT (SELECT epoch FROM taken) AS epoch,
                   (SELECT ceil((extract(epoch FROM expires_at) - extract(epoch FROM clock_timestamp())) * 1000)::bigint
                    FROM leader_lease WHERE name = $1 AND isfinite(expires_at)) AS remaining_ms""")
        .execute(Tuple.of(name, holder, lease.toMillis()))
        .map(rs -> {
          renewed();
          io.vertx.sqlclient.Row row = rs.iterator().next();
          Long epoch = row.getLong("epoch");
          if (epoch == null) {
            Long remaining = row.getLong("remaining_ms");
            if (remaining != null && remaining >= 0 && remaining < renewInterval().toMillis() && !stopped) {
              vertx.setTimer(remaining + 1, id -> round());
            }
            return false;
          }
          term.set(new Term(epoch, sent + lease.toNanos()));
          lastEpoch = epoch;
          elections.increment();
          LOG.info("this process ({}) leads '{}' now with epoch {}", holder, name, epoch);
          onElected.forEach(Runnable::run);
          return true;
        })
        .recover(e -> renewalFailed(e));
  }

  private void renewed() {
    if (renewalFailing) {
      renewalFailing = false;
      LOG.info("leader lease '{}' reachable again", name);
    }
  }

  private Future<Boolean> renewalFailed(Throwable e) {
    if (!renewalFailing) {
      renewalFailing = true;
      LOG.warn("leader lease '{}': renewal failed ({}); {}", name, e.getMessage(),
          isLeader() ? "leading until the lease lapses locally" : "not leading");
    }
    return Future.succeededFuture(isLeader());
  }

  private void stepDown(Term t, String why) {
    if (term.compareAndSet(t, null)) {
      LOG.warn("this process lost leadership of '{}' (epoch {}): {}; it stops leader work now", name, t.epoch(), why);
    }
  }

  /** Whether this process leads now: elected, and its last renewal is younger than a lease by its own clock. */
  public boolean isLeader() {
    Term t = term.get();
    return t != null && nanos.getAsLong() - t.validUntilNanos() < 0;
  }

  /** The epoch of the current term, or of the last one this process held (0 if none). */
  public long epoch() {
    return lastEpoch;
  }

  /** Leader-only writes refused since start (by the database's epoch check, or because the lease lapsed locally). */
  public long fencedWrites() {
    return fencedWrites.sum();
  }

  /** Times this process became leader since start. */
  public long elections() {
    return elections.sum();
  }

  public String name() {
    return name;
  }

  public String holder() {
    return holder;
  }

  public Duration lease() {
    return lease;
  }

  /**
   * Runs {@code work} in a transaction on {@code pool} that first checks, and holds for the transaction, this
   * process's epoch ({@link #check}); fails with {@link FencedException} (rolled back, logged, counted) when this
   * process does not lead.
   */
  public <T> Future<T> fenced(Pool pool, Function<SqlConnection, Future<T>> work) {
    Term t = term.get();
    if (t == null) {
      return Future.failedFuture(new FencedException(name, lastEpoch, "this process does not lead"));
    }
    if (nanos.getAsLong() - t.validUntilNanos() >= 0) {
      return Future.failedFuture(refused(t, "the lease lapsed before a renewal came through"));
    }
    return pool.withTransaction(conn -> check(conn, t.epoch()).compose(v -> work.apply(conn)));
  }

  /**
   * The fencing check, as the first statement of a transaction: locks the lease row if it still has {@code epoch}
   * and has not expired (by the database's clock), so no takeover can commit before this transaction ends; bounds how
   * long the transaction may sit idle (its process stopped) to one lease. Fails with {@link FencedException}
   * otherwise.
   */
  public Future<Void> check(SqlConnection conn, long epoch) {
    return conn.preparedQuery("""
            SELECT set_config('idle_in_transaction_session_timeout', $3, true)
            FROM leader_lease WHERE name = $1 AND epoch = $2 AND expires_at > clock_timestamp() FOR KEY SHARE""")
        .execute(Tuple.of(name, epoch, Long.toString(lease.toMillis())))
        .compose(rs -> {
          if (rs.rowCount() == 1) {
            return Future.<Void>succeededFuture();
          }
          Term t = term.get();
          return Future.failedFuture(refused(t != null && t.epoch() == epoch ? t : new Term(epoch, 0),
              "a newer leader holds the lease, or it expired"));
        });
  }

  private FencedException refused(Term t, String why) {
    fencedWrites.increment();
    FencedException e = new FencedException(name, t.epoch(), "write refused: " + why);
    LOG.warn("fenced: {}", e.getMessage());
    stepDown(t, why);
    return e;
  }
}
