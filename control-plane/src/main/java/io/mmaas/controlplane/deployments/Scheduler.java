package io.mmaas.controlplane.deployments;

import io.mmaas.controlplane.leader.FencedException;
import io.mmaas.controlplane.leader.LeaderLease;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement reconciler (controller pattern): each tick reads the desired state (deployment targets) and the
 * observed state (replicas, agent leases), then acts: frees replicas of agents whose lease expired, removes targets
 * that no longer get traffic once the others are fully READY, adds or removes replicas to match each target, and
 * places pending replicas with {@link Placement}. It is level-triggered and idempotent: a missed or repeated tick is
 * harmless. Only the process that holds the scheduler's {@link LeaderLease} ticks, and each tick is one fenced
 * transaction (it first checks the lease's epoch, so a leader that was paused past its lease cannot write once a newer
 * one exists; {@link FencedException}); a transaction-scoped advisory lock keeps the process's own ticks from
 * overlapping. Agents whose desired state changed get a higher generation. Time comes from the injected clock.
 *
 * <p>No punishment for the control plane's own outage: a lapsed lease means "no heartbeat recorded", which is also
 * what a database outage, or a scheduler that was not running, looks like. So leases are judged only once this
 * scheduler has held the database (and the lease) without a break for a grace period: after start, after a failed
 * tick, or after it (re)gained the lease, every agent first gets a full lease period of heartbeats the
 * scheduler can actually observe, and at least its longest pause between heartbeat attempts ({@link #graceFor}). And when most agents look dead at once (more than {@link #DISRUPTION_SHARE} of the
 * agents that hold replicas or a live lease, and at least two, or all of them), the scheduler assumes the problem is
 * its own (the Kubernetes node controller's "full disruption" rule) and releases nothing until fewer look dead; each
 * such episode is logged, counted and audited once.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final long LOCK = 0x6d6d616173_02L;
  /** Memory assumed for a replica before any replica of its version has reported a measurement. */
  static final int ESTIMATE_FACTOR = 2;

  /** Share of agents that may look dead at once before the scheduler blames itself and releases nothing. */
  static final double DISRUPTION_SHARE = 0.55;

  private final Pool pool;
  private final LeaderLease leader;
  /** The epoch the current observation began under; a new term starts the grace again. */
  private volatile long observedEpoch;
  private final Clock clock;
  private final io.mmaas.controlplane.audit.AuditWriter audit;
  /** The grace after regaining the database before leases are judged ({@link #graceFor}). */
  private final java.time.Duration grace;
  /** Since when this scheduler has held the database and the lock without a break; null while it has not. */
  private volatile java.time.Instant observingSince;
  private volatile boolean holdingBack;
  private final java.util.concurrent.atomic.AtomicLong disruptions = new java.util.concurrent.atomic.AtomicLong();

  /**
   * The longest pause between an agent's heartbeat attempts while they fail (the runtime agent's retry cap; the agent
   * API's contract: "heartbeats retried at most every 5 s", or every interval when that is longer).
   */
  public static final java.time.Duration AGENT_RETRY_CAP = java.time.Duration.ofSeconds(5);

  /**
   * The grace after regaining the database before leases are judged: one lease period, and never less than an
   * agent's longest pause between heartbeat attempts plus one interval for the answer to be recorded. Otherwise, with
   * a lease shorter than that pause, an agent whose next retry came just after the grace looked dead while the others
   * had already reported: too few for the full-disruption rule, so its replicas were released and loaded elsewhere.
   */
  public static java.time.Duration graceFor(java.time.Duration lease, java.time.Duration heartbeatInterval) {
    java.time.Duration retry = heartbeatInterval.compareTo(AGENT_RETRY_CAP) > 0 ? heartbeatInterval : AGENT_RETRY_CAP;
    java.time.Duration floor = retry.plus(heartbeatInterval);
    return lease.compareTo(floor) >= 0 ? lease : floor;
  }

  /**
   * @param leader the scheduler's lease: only its holder ticks, and every tick is fenced by its epoch
   * @param lease the agents' lease period
   * @param heartbeatInterval how often agents heartbeat; with the lease it sets the grace ({@link #graceFor})
   */
  public Scheduler(Pool pool, LeaderLease leader, io.mmaas.controlplane.audit.AuditWriter audit, Clock clock,
                   java.time.Duration lease, java.time.Duration heartbeatInterval) {
    this(pool, leader, audit, clock, lease, heartbeatInterval, Long.MAX_VALUE);
  }

  /**
   * @param leader the scheduler's lease: only its holder ticks, and every tick is fenced by its epoch
   * @param lease the agents' lease period
   * @param heartbeatInterval how often agents heartbeat; with the lease it sets the grace ({@link #graceFor})
   * @param unapprovedMemoryBytes what an agent no platform admin has approved is believed to have, at most, of host
   *     and of GPU memory, whatever it reports (an agent's capabilities are its own claim). An approved agent is
   *     believed up to what it reported when it was approved.
   */
  public Scheduler(Pool pool, LeaderLease leader, io.mmaas.controlplane.audit.AuditWriter audit, Clock clock,
                   java.time.Duration lease, java.time.Duration heartbeatInterval, long unapprovedMemoryBytes) {
    this.pool = pool;
    this.leader = leader;
    this.audit = audit;
    this.clock = clock;
    this.grace = graceFor(lease, heartbeatInterval);
    this.unapprovedMemoryBytes = unapprovedMemoryBytes;
  }

  /** Whether lease releases are held back now because most agents look dead at once (for metrics). */
  public boolean holdingBack() {
    return holdingBack;
  }

  /** Full-disruption episodes since start (for metrics). */
  public long disruptions() {
    return disruptions.get();
  }

  /** Whether leases are judged now (the grace after regaining the database is over). */
  public boolean judgingLeases() {
    java.time.Instant since = observingSince;
    return since != null && !clock.instant().isBefore(since.plus(grace));
  }

  /**
   * The full-disruption rule: {@code lost} of {@code agents} look dead. All of them, or more than
   * {@link #DISRUPTION_SHARE} and at least two, is more likely the control plane's problem than theirs.
   */
  static boolean fullDisruption(long lost, long agents) {
    return lost > 0 && (lost == agents || (lost >= 2 && lost > DISRUPTION_SHARE * agents));
  }

  private void lostSight(String why) {
    if (observingSince != null) {
      LOG.warn("scheduler lost sight of the fleet ({}); leases will be judged again only after a grace of {} s",
          why, grace.toSeconds());
    }
    observingSince = null;
  }

  private final long unapprovedMemoryBytes;

  /** Reported memory as placement believes it (0 stays "unknown" only for an approved agent that reported none). */
  static long believed(long reported, Long approved, long unapprovedCap) {
    if (approved == null) {
      return reported <= 0 ? unapprovedCap : Math.min(reported, unapprovedCap);
    }
    if (approved <= 0) {
      return reported;
    }
    return reported <= 0 ? approved : Math.min(reported, approved);
  }

  private static long gpuMemory(JsonObject caps) {
    long total = 0;
    JsonArray gpus = caps == null ? null : caps.getJsonArray("gpus");
    if (gpus != null) {
      for (Object g : gpus) {
        total += g instanceof JsonObject o ? o.getLong("memoryBytes", 0L) : 0;
      }
    }
    return total;
  }

  /**
   * Runs one reconcile pass as leader; yields false, writing nothing, when this process does not lead (or a newer
   * leader fenced it off) or when another of its own ticks still runs.
   */
  public Future<Boolean> tick() {
    if (!leader.isLeader()) {
      lostSight("this process does not hold the scheduler's lease");
      return Future.succeededFuture(false);
    }
    long epoch = leader.epoch();
    if (epoch != observedEpoch) {
      lostSight("leadership changed");
      observedEpoch = epoch;
    }
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    return leader.fenced(pool, conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked")
        .execute(Tuple.of(LOCK))
        .compose(rs -> {
          if (!rs.iterator().next().getBoolean("locked")) {
            return Future.succeededFuture(false); // an earlier tick of this process still runs
          }
          if (observingSince == null) {
            observingSince = now.toInstant();
            LOG.info("scheduler (leader epoch {}) observes the fleet from {}; agent leases are judged from {}", epoch,
                observingSince, observingSince.plus(grace));
          }
          Set<UUID> touched = new HashSet<>();
          boolean[] retired = new boolean[1];
          return releaseLostAgents(conn, now, touched)
              .compose(v -> retireDrainedTargets(conn).map(n -> {
                retired[0] = n > 0;
                return (Void) null;
              }))
              .compose(v -> removeOrphans(conn, touched))
              .compose(v -> matchReplicaCounts(conn, now, touched))
              .compose(v -> placePending(conn, now, touched))
              .compose(v -> bumpGenerations(conn, touched))
              .compose(v -> touched.isEmpty() && !retired[0] ? Future.succeededFuture()
                  : io.mmaas.controlplane.gateway.ChangeListener.announce(conn,
                      io.mmaas.controlplane.gateway.ChangeListener.ROUTES))
              .map(true);
        }))
        .recover(e -> {
          lostSight(e instanceof FencedException ? "fenced off by a newer leader" : "tick failed: " + e.getMessage());
          return e instanceof FencedException ? Future.succeededFuture(false) : Future.failedFuture(e);
        });
  }

  private Future<Void> releaseLostAgents(SqlConnection conn, OffsetDateTime now, Set<UUID> touched) {
    if (now.toInstant().isBefore(observingSince.plus(grace))) {
      return Future.succeededFuture(); // the grace: agents have not had a full lease period (and a retry) we could observe
    }
    return conn.preparedQuery("""
            SELECT count(*) FILTER (WHERE a.lease_expires_at <= $1 AND held) AS lost,
                   count(*) FILTER (WHERE a.lease_expires_at > $1 OR held) AS agents
            FROM (SELECT a.*, EXISTS (SELECT 1 FROM replicas r WHERE r.agent_id = a.id AND r.quarantined_at IS NULL)
                    AS held FROM agents a) a""")
        .execute(Tuple.of(now))
        .compose(rs -> {
          Row counts = rs.iterator().next();
          long lost = counts.getLong("lost");
          long agents = counts.getLong("agents");
          if (lost == 0) {
            endDisruption();
            return Future.succeededFuture();
          }
          if (fullDisruption(lost, agents)) {
            return beginDisruption(conn, lost, agents);
          }
          endDisruption();
          return release(conn, now, touched);
        });
  }

  private void endDisruption() {
    if (holdingBack) {
      holdingBack = false;
      LOG.info("fewer agents look dead now; lost leases are released again");
    }
  }

  /** Logs, counts and audits once per episode; releases nothing. */
  private Future<Void> beginDisruption(SqlConnection conn, long lost, long agents) {
    if (holdingBack) {
      return Future.succeededFuture();
    }
    holdingBack = true;
    disruptions.incrementAndGet();
    LOG.warn("{} of {} agents look dead at once: assuming the control plane's own problem (full disruption); "
        + "releasing no replicas until fewer do", lost, agents);
    return audit.append(conn, io.mmaas.controlplane.auth.Caller.system("scheduler"),
        io.mmaas.controlplane.audit.AuditRecord.success("scheduler.full_disruption", null, "agent", null,
            new JsonObject().put("lostAgents", lost).put("agents", agents).put("leaderEpoch", leader.epoch())
                .put("rule", "more than " + Math.round(DISRUPTION_SHARE * 100) + " % and at least 2, or all")))
        .mapEmpty();
  }

  private Future<Void> release(SqlConnection conn, OffsetDateTime now, Set<UUID> touched) {
    return conn.preparedQuery("""
            UPDATE replicas r SET agent_id = NULL, state = 'PENDING', memory_bytes = NULL, updated_at = $1,
              reason = 'agent ' || a.name || ' stopped heartbeating; waiting for placement'
            FROM agents a WHERE r.agent_id = a.id AND (a.lease_expires_at <= $1 OR a.disabled_at IS NOT NULL)
              AND r.quarantined_at IS NULL
            RETURNING a.id AS agent_id, a.name AS agent_name, r.id AS replica_id""")
        .execute(Tuple.of(now))
        .compose(rs -> {
          Map<UUID, JsonArray> released = new LinkedHashMap<>();
          Map<UUID, String> names = new HashMap<>();
          rs.forEach(row -> {
            touched.add(row.getUUID("agent_id"));
            names.put(row.getUUID("agent_id"), row.getString("agent_name"));
            released.computeIfAbsent(row.getUUID("agent_id"), k -> new JsonArray()).add(row.getUUID("replica_id").toString());
          });
          // one event after the other: appends read the chain's head, so two in flight on one connection would
          // take the same sequence number and fail the whole tick
          Future<?> events = Future.succeededFuture();
          for (Map.Entry<UUID, JsonArray> e : released.entrySet()) {
            UUID agent = e.getKey();
            LOG.info("agent {} lost its lease; {} replica(s) to be placed elsewhere", names.get(agent),
                e.getValue().size());
            events = events.compose(x -> audit.append(conn, io.mmaas.controlplane.auth.Caller.system("scheduler"),
                io.mmaas.controlplane.audit.AuditRecord.success("agent.lease_expired", null, "agent", agent,
                    new JsonObject().put("agent", names.get(agent)).put("releasedReplicas", e.getValue())
                        .put("leaderEpoch", leader.epoch()))));
          }
          return events.mapEmpty();
        });
  }

  /** Targets without traffic go once every target with traffic has all its replicas READY. */
  private Future<Integer> retireDrainedTargets(SqlConnection conn) {
    return conn.query("""
            DELETE FROM deployment_targets t WHERE t.weight = 0 AND NOT EXISTS (
              SELECT 1 FROM deployment_targets w WHERE w.deployment_id = t.deployment_id AND w.weight > 0
                AND (SELECT count(*) FROM replicas r WHERE r.deployment_id = w.deployment_id
                       AND r.version_id = w.version_id AND r.state = 'READY') < w.replicas)""")
        .execute().map(rs -> rs.rowCount());
  }

  private Future<Void> removeOrphans(SqlConnection conn, Set<UUID> touched) {
    return conn.query("""
            DELETE FROM replicas r WHERE NOT EXISTS (SELECT 1 FROM deployment_targets t
              WHERE t.deployment_id = r.deployment_id AND t.version_id = r.version_id) RETURNING agent_id""")
        .execute().map(rs -> {
          rs.forEach(row -> {
            if (row.getUUID("agent_id") != null) {
              touched.add(row.getUUID("agent_id"));
            }
          });
          return null;
        });
  }

  private Future<Void> matchReplicaCounts(SqlConnection conn, OffsetDateTime now, Set<UUID> touched) {
    return conn.query("""
            SELECT t.deployment_id, t.version_id, t.replicas AS desired,
                   (SELECT count(*) FROM replicas r WHERE r.deployment_id = t.deployment_id
                      AND r.version_id = t.version_id) AS actual
            FROM deployment_targets t""").execute()
        .compose(rs -> {
          List<Future<Void>> work = new ArrayList<>();
          List<Tuple> inserts = new ArrayList<>();
          for (Row row : rs) {
            int diff = row.getInteger("desired") - row.getLong("actual").intValue();
            UUID deployment = row.getUUID("deployment_id");
            UUID version = row.getUUID("version_id");
            for (int i = 0; i < diff; i++) {
              inserts.add(Tuple.of(UUID.randomUUID(), deployment, version, now));
            }
            if (diff < 0) {
              work.add(conn.preparedQuery("""
                      DELETE FROM replicas WHERE id IN (
                        SELECT id FROM replicas WHERE deployment_id = $1 AND version_id = $2
                        ORDER BY (state = 'READY'), created_at DESC LIMIT $3) RETURNING agent_id""")
                  .execute(Tuple.of(deployment, version, -diff))
                  .map(deleted -> {
                    deleted.forEach(d -> {
                      if (d.getUUID("agent_id") != null) {
                        touched.add(d.getUUID("agent_id"));
                      }
                    });
                    return null;
                  }));
            }
          }
          if (!inserts.isEmpty()) {
            work.add(conn.preparedQuery("INSERT INTO replicas (id, deployment_id, version_id, state, reason, "
                    + "created_at, updated_at) VALUES ($1, $2, $3, 'PENDING', 'waiting for placement', $4, $4)")
                .executeBatch(inserts).mapEmpty());
          }
          return Future.all(work).mapEmpty();
        });
  }

  private Future<Void> placePending(SqlConnection conn, OffsetDateTime now, Set<UUID> touched) {
    return conn.preparedQuery("""
            SELECT r.id, r.deployment_id, v.sha256, d.runtime_options,
                   coalesce((SELECT max(o.memory_bytes) FROM replicas o WHERE o.version_id = r.version_id
                               AND o.state = 'READY' AND o.memory_bytes > 0), v.size_bytes * $1) AS need
            FROM replicas r JOIN model_versions v ON v.id = r.version_id JOIN deployments d ON d.id = r.deployment_id
            WHERE r.agent_id IS NULL ORDER BY r.created_at, r.id""")
        .execute(Tuple.of(ESTIMATE_FACTOR))
        .compose(pending -> {
          if (pending.rowCount() == 0) {
            return Future.succeededFuture();
          }
          return liveAgents(conn, now).compose(agents -> {
            List<Tuple> placed = new ArrayList<>();
            List<Tuple> waiting = new ArrayList<>();
            for (Row p : pending) {
              JsonObject runtime = (JsonObject) p.getValue("runtime_options");
              Placement.Request req = new Placement.Request(p.getUUID("deployment_id"), p.getString("sha256"),
                  p.getLong("need"), runtime == null ? "auto" : runtime.getString("executionProvider", "auto"));
              Placement.Decision d = Placement.choose(req, List.copyOf(agents.values()));
              if (d.agentId() == null) {
                waiting.add(Tuple.of(p.getUUID("id"), d.reason(), now));
                continue;
              }
              Placement.AgentView a = agents.get(d.agentId());
              List<Placement.Placed> more = new ArrayList<>(a.placed());
              more.add(new Placement.Placed(req.deploymentId(), req.sha256(), req.memoryBytes(), d.gpu()));
              agents.put(a.id(), new Placement.AgentView(a.id(), a.name(), a.providers(), a.hostMemoryBytes(),
                  a.gpuMemoryBytes(), more));
              touched.add(a.id());
              placed.add(Tuple.of(p.getUUID("id"), a.id(), now));
            }
            Future<?> f = placed.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
                    "UPDATE replicas SET agent_id = $2, state = 'ASSIGNED', reason = NULL, updated_at = $3 WHERE id = $1")
                .executeBatch(placed)
                .compose(x -> {
                  JsonArray decisions = new JsonArray();
                  placed.forEach(t -> decisions.add(new JsonObject().put("replica", t.getUUID(0).toString())
                      .put("agent", agents.get(t.getUUID(1)).name())));
                  return audit.append(conn, io.mmaas.controlplane.auth.Caller.system("scheduler"),
                      io.mmaas.controlplane.audit.AuditRecord.success("replica.place", null, "replica", null,
                          new JsonObject().put("placements", decisions).put("leaderEpoch", leader.epoch())));
                });
            return f.compose(v -> waiting.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
                    "UPDATE replicas SET reason = $2, updated_at = $3 WHERE id = $1 AND reason IS DISTINCT FROM $2")
                .executeBatch(waiting)).mapEmpty();
          });
        });
  }

  private Future<Map<UUID, Placement.AgentView>> liveAgents(SqlConnection conn, OffsetDateTime now) {
    return conn.preparedQuery("""
            SELECT a.id, a.name, a.capabilities, a.approved_capabilities, a.execution_provider, r.deployment_id, v.sha256,
                   coalesce(r.memory_bytes, v.size_bytes * $2) AS memory, d.runtime_options
            FROM agents a LEFT JOIN replicas r ON r.agent_id = a.id
            LEFT JOIN model_versions v ON v.id = r.version_id LEFT JOIN deployments d ON d.id = r.deployment_id
            WHERE a.lease_expires_at > $1 AND a.disabled_at IS NULL ORDER BY a.id""")
        .execute(Tuple.of(now, ESTIMATE_FACTOR))
        .map(rows -> {
          Map<UUID, Placement.AgentView> out = new LinkedHashMap<>();
          Map<UUID, List<Placement.Placed>> placed = new HashMap<>();
          for (Row r : rows) {
            UUID id = r.getUUID("id");
            if (!out.containsKey(id)) {
              JsonObject caps = (JsonObject) r.getValue("capabilities");
              Set<String> providers = new HashSet<>();
              JsonArray eps = caps == null ? null : caps.getJsonArray("executionProviders");
              if (eps != null) {
                eps.forEach(e -> providers.add(String.valueOf(e)));
              } else if (r.getString("execution_provider") != null) {
                providers.add(r.getString("execution_provider"));
              }
              JsonObject approved = (JsonObject) r.getValue("approved_capabilities");
              long host = believed(caps == null ? 0 : caps.getLong("hostMemoryBytes", 0L),
                  approved == null ? null : approved.getLong("hostMemoryBytes", 0L), unapprovedMemoryBytes);
              long gpuMemory = believed(gpuMemory(caps), approved == null ? null : gpuMemory(approved),
                  unapprovedMemoryBytes);
              placed.put(id, new ArrayList<>());
              out.put(id, new Placement.AgentView(id, r.getString("name"), providers, host, gpuMemory,
                  placed.get(id)));
            }
            if (r.getUUID("deployment_id") != null) {
              boolean gpu = out.get(id).hasCuda() && !"cpu".equals(r.getValue("runtime_options") instanceof JsonObject o
                  ? o.getString("executionProvider", "auto") : "auto");
              placed.get(id).add(new Placement.Placed(r.getUUID("deployment_id"), r.getString("sha256"),
                  r.getLong("memory"), gpu));
            }
          }
          return out;
        });
  }

  private Future<Void> bumpGenerations(SqlConnection conn, Set<UUID> touched) {
    if (touched.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("UPDATE agents SET generation = generation + 1 WHERE id = ANY($1)")
        .execute(Tuple.of(touched.toArray(UUID[]::new))).mapEmpty();
  }
}
