package io.mmaas.controlplane.deployments;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement reconciler (controller pattern): each tick reads the desired state (deployments) and the observed
 * state (replicas, agent leases), then acts: frees replicas of agents whose lease expired, adds or removes replicas to
 * match the desired count, and places pending replicas on live agents, spreading a deployment's replicas and
 * preferring the least loaded agent. It is level-triggered and idempotent: a missed or repeated tick is harmless.
 * Only one control-plane replica runs a tick at a time (a transaction-scoped PostgreSQL advisory lock); agents whose
 * desired state changed get a higher generation.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final long LOCK = 0x6d6d616173_02L;

  private final Pool pool;
  private final Clock clock;

  public Scheduler(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Runs one reconcile pass; yields false when another replica holds the lock. */
  public Future<Boolean> tick() {
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked")
        .execute(Tuple.of(LOCK))
        .compose(rs -> {
          if (!rs.iterator().next().getBoolean("locked")) {
            return Future.succeededFuture(false);
          }
          Set<UUID> touched = new HashSet<>();
          return releaseLostAgents(conn, now, touched)
              .compose(v -> matchReplicaCounts(conn, now, touched))
              .compose(v -> placePending(conn, now, touched))
              .compose(v -> bumpGenerations(conn, touched))
              .map(true);
        }));
  }

  private Future<Void> releaseLostAgents(SqlConnection conn, OffsetDateTime now, Set<UUID> touched) {
    return conn.preparedQuery("""
            UPDATE replicas r SET agent_id = NULL, state = 'PENDING', memory_bytes = NULL, updated_at = $1,
              reason = 'agent ' || a.name || ' stopped heartbeating; waiting for placement'
            FROM agents a WHERE r.agent_id = a.id AND a.lease_expires_at <= $1 RETURNING a.id AS agent_id""")
        .execute(Tuple.of(now))
        .map(rs -> {
          rs.forEach(row -> touched.add(row.getUUID("agent_id")));
          if (rs.rowCount() > 0) {
            LOG.info("released {} replica(s) of agents whose lease expired", rs.rowCount());
          }
          return null;
        });
  }

  private Future<Void> matchReplicaCounts(SqlConnection conn, OffsetDateTime now, Set<UUID> touched) {
    return conn.query("""
            SELECT d.id, d.version_id, d.desired_replicas, count(r.id) AS actual
            FROM deployments d LEFT JOIN replicas r ON r.deployment_id = d.id
            GROUP BY d.id HAVING count(r.id) <> d.desired_replicas""").execute()
        .compose(rs -> {
          List<Future<Void>> work = new ArrayList<>();
          for (Row row : rs) {
            UUID id = row.getUUID("id");
            int diff = row.getInteger("desired_replicas") - row.getLong("actual").intValue();
            if (diff > 0) {
              List<Tuple> batch = new ArrayList<>();
              for (int i = 0; i < diff; i++) {
                batch.add(Tuple.of(UUID.randomUUID(), id, row.getUUID("version_id"), now));
              }
              work.add(conn.preparedQuery("INSERT INTO replicas (id, deployment_id, version_id, state, reason, "
                      + "created_at, updated_at) VALUES ($1, $2, $3, 'PENDING', 'waiting for placement', $4, $4)")
                  .executeBatch(batch).mapEmpty());
            } else {
              work.add(conn.preparedQuery("""
                      DELETE FROM replicas WHERE id IN (
                        SELECT id FROM replicas WHERE deployment_id = $1
                        ORDER BY (state = 'READY'), created_at DESC LIMIT $2) RETURNING agent_id""")
                  .execute(Tuple.of(id, -diff))
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
          return Future.all(work).mapEmpty();
        });
  }

  private record Candidate(UUID id, String name, Set<UUID> deployments) {
  }

  private Future<Void> placePending(SqlConnection conn, OffsetDateTime now, Set<UUID> touched) {
    return conn.preparedQuery("SELECT id, deployment_id FROM replicas WHERE agent_id IS NULL ORDER BY created_at, id")
        .execute().compose(pending -> {
          if (pending.rowCount() == 0) {
            return Future.succeededFuture();
          }
          return conn.preparedQuery("""
                  SELECT a.id, a.name, r.deployment_id FROM agents a LEFT JOIN replicas r ON r.agent_id = a.id
                  WHERE a.lease_expires_at > $1""").execute(Tuple.of(now))
              .compose(agentRows -> {
                Map<UUID, Candidate> agents = new HashMap<>();
                for (Row r : agentRows) {
                  Candidate c = agents.computeIfAbsent(r.getUUID("id"),
                      k -> new Candidate(k, r.getString("name"), new HashSet<>()));
                  if (r.getUUID("deployment_id") != null) {
                    c.deployments().add(r.getUUID("deployment_id"));
                  }
                }
                List<Tuple> placed = new ArrayList<>();
                List<Tuple> waiting = new ArrayList<>();
                for (Row p : pending) {
                  UUID deployment = p.getUUID("deployment_id");
                  Candidate best = agents.values().stream()
                      .filter(c -> !c.deployments().contains(deployment))
                      .min(Comparator.comparingInt((Candidate c) -> c.deployments().size()).thenComparing(Candidate::id))
                      .orElse(null);
                  if (best == null) {
                    waiting.add(Tuple.of(p.getUUID("id"), agents.isEmpty() ? "no live agent available"
                        : "every live agent (" + agents.size() + ") already runs a replica of this deployment", now));
                    continue;
                  }
                  best.deployments().add(deployment);
                  touched.add(best.id());
                  placed.add(Tuple.of(p.getUUID("id"), best.id(), now));
                }
                Future<?> a = placed.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
                        "UPDATE replicas SET agent_id = $2, state = 'ASSIGNED', reason = NULL, updated_at = $3 WHERE id = $1")
                    .executeBatch(placed);
                return a.compose(v -> waiting.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
                        "UPDATE replicas SET reason = $2, updated_at = $3 WHERE id = $1 AND reason IS DISTINCT FROM $2")
                    .executeBatch(waiting)).mapEmpty();
              });
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
