package io.mmaas.controlplane.gateway;

import io.mmaas.controlplane.agents.AgentSecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's in-memory view of what is deployed: per tenant and model name, each served version with its traffic
 * weight, signature and READY replicas (agent address and lease). A request without a version gets a version drawn
 * by weight among those with a live replica; when no weighted version has one (a promotion still loading), any
 * version with a live replica serves, so traffic only ever moves to READY replicas. Refreshed from PostgreSQL about
 * once a second and kept as it was when PostgreSQL is unreachable, so the data plane goes on serving.
 *
 * <p>Liveness during an outage: a lease in the snapshot is judged at the time of the last refresh that succeeded
 * (a lease that lapses afterwards lapsed because nobody could record heartbeats, not because the agent died), and
 * what the gateway itself sees counts instead: a replica it could not reach goes to the back of the rotation for
 * {@link #SUSPECT_MILLIS} (still tried when nothing else is left). A READY replica whose agent's lease lapsed is
 * tried after all others, never dropped: only the scheduler's release (with its grace and full-disruption rules)
 * takes it out of the table.
 */
public final class RoutingTable {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

  /**
   * A READY replica and how to reach it: the agent's address split once per refresh (host, port, TLS) with the infer
   * path and the credential, so a proxied request builds nothing from strings.
   */
  public record Endpoint(UUID replicaId, UUID agentId, String agentUrl, String host, int port, boolean ssl,
                         String inferPath, String authorization, Instant leaseExpiresAt) {
    static Endpoint of(UUID replicaId, UUID agentId, String agentUrl, String servingKey, Instant leaseExpiresAt) {
      URI uri = URI.create(agentUrl);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host in '" + agentUrl + "'");
      }
      boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
      String base = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
      return new Endpoint(replicaId, agentId, agentUrl, uri.getHost(), port, ssl,
          base + "/v2/models/" + replicaId + "/infer", "Bearer " + servingKey, leaseExpiresAt);
    }
  }

  /** How long a replica the gateway could not reach goes to the back of the rotation. */
  static final long SUSPECT_MILLIS = 5_000;

  /**
   * What the table knows about time and reachability, shared by its routes: when the last refresh succeeded, and
   * which replicas the gateway could not reach lately.
   */
  static final class Liveness {
    private final Clock clock;
    private final long staleAfterMillis;
    private volatile Instant refreshedAt;
    private final java.util.concurrent.ConcurrentHashMap<UUID, Long> suspects = new java.util.concurrent.ConcurrentHashMap<>();

    Liveness(Clock clock, long staleAfterMillis) {
      this.clock = clock;
      this.staleAfterMillis = staleAfterMillis;
    }

    /** The time leases are judged at: now while refreshes succeed, else the last one that did. */
    Instant judgeAt(Instant now) {
      Instant at = refreshedAt;
      return at == null || now.toEpochMilli() - at.toEpochMilli() <= staleAfterMillis ? now : at;
    }

    void unreachable(UUID replicaId) {
      suspects.put(replicaId, clock.millis() + SUSPECT_MILLIS);
    }

    boolean suspect(UUID replicaId) {
      Long until = suspects.get(replicaId);
      if (until == null) {
        return false;
      }
      if (clock.millis() >= until) {
        suspects.remove(replicaId, until);
        return false;
      }
      return true;
    }
  }

  /** One version of a deployed model as the data plane sees it. */
  public record Route(UUID tenantId, String model, UUID modelId, UUID versionId, int version, int weight,
                      JsonArray inputs, JsonArray outputs, List<Endpoint> endpoints, AtomicInteger next,
                      Liveness liveness) {
    /**
     * The READY endpoints in the order to try them, starting at a rotating position (round robin): those whose agent
     * held its lease (judged at {@link Liveness#judgeAt}), then those the gateway could not reach lately, then those
     * whose agent's lease lapsed (reachable first). A lapsed lease alone does not take a replica out: the control
     * plane still lists it READY, so the scheduler has not released it (its grace after an outage, a full
     * disruption, an agent cut off from the agent API but not from the gateways, or the tick before it acts), and a
     * lease only says the agent could not report, not that it cannot serve. What the gateway sees decides instead:
     * an agent that is really gone refuses the call, which moves on to the next endpoint at once.
     */
    public List<Endpoint> live(Instant now) {
      Instant at = liveness.judgeAt(now);
      List<Endpoint> live = new ArrayList<>(endpoints.size());
      List<Endpoint> suspects = new ArrayList<>(0);
      List<Endpoint> lapsed = new ArrayList<>(0);
      List<Endpoint> lapsedSuspects = new ArrayList<>(0);
      int start = endpoints.isEmpty() ? 0 : Math.floorMod(next.getAndIncrement(), endpoints.size());
      for (int i = 0; i < endpoints.size(); i++) {
        Endpoint e = endpoints.get((start + i) % endpoints.size());
        boolean suspect = liveness.suspect(e.replicaId());
        if (e.leaseExpiresAt().isAfter(at)) {
          (suspect ? suspects : live).add(e);
        } else {
          (suspect ? lapsedSuspects : lapsed).add(e);
        }
      }
      live.addAll(suspects);
      live.addAll(lapsed);
      live.addAll(lapsedSuspects);
      return live;
    }

    boolean anyLive(Instant now) {
      Instant at = liveness.judgeAt(now);
      return endpoints.stream().anyMatch(e -> e.leaseExpiresAt().isAfter(at));
    }
  }

  private final Pool pool;
  private final AgentSecrets secrets;
  private final Clock clock;
  private volatile Map<UUID, Map<String, List<Route>>> routes;
  private final Liveness liveness;

  public RoutingTable(Pool pool, AgentSecrets secrets, Clock clock) {
    this.pool = pool;
    this.secrets = secrets;
    this.clock = clock;
    this.liveness = new Liveness(clock, 3_000);
  }

  /** The gateway could not reach this replica (refused, reset, connect timeout): it goes last for a while. */
  public void unreachable(UUID replicaId) {
    liveness.unreachable(replicaId);
  }

  public boolean loaded() {
    return routes != null;
  }

  /** Model versions this gateway can route to now (for metrics). */
  public long versions() {
    Map<UUID, Map<String, List<Route>>> snapshot = routes;
    long n = 0;
    if (snapshot != null) {
      for (Map<String, List<Route>> models : snapshot.values()) {
        for (List<Route> versions : models.values()) {
          n += versions.size();
        }
      }
    }
    return n;
  }

  /** The version to serve: drawn by weight when {@code version} is null; null when the model or version is unknown. */
  public Route find(UUID tenantId, String model, String version) {
    Map<UUID, Map<String, List<Route>>> snapshot = routes;
    List<Route> versions = snapshot == null || snapshot.get(tenantId) == null ? null : snapshot.get(tenantId).get(model);
    if (versions == null || versions.isEmpty()) {
      return null;
    }
    if (version == null && versions.size() == 1) {
      return versions.get(0); // the only version serves whatever its weight (as the general case below would pick)
    }
    if (version != null) {
      return versions.stream().filter(r -> Integer.toString(r.version()).equals(version)).findFirst().orElse(null);
    }
    Instant now = clock.instant();
    List<Route> weighted = versions.stream().filter(r -> r.weight() > 0 && r.anyLive(now)).toList();
    if (weighted.isEmpty()) {
      return versions.stream().filter(r -> r.anyLive(now)).max(Comparator.comparingInt(Route::weight))
          .orElse(versions.stream().max(Comparator.comparingInt(Route::weight)).orElseThrow());
    }
    int total = weighted.stream().mapToInt(Route::weight).sum();
    int draw = ThreadLocalRandom.current().nextInt(total);
    for (Route r : weighted) {
      draw -= r.weight();
      if (draw < 0) {
        return r;
      }
    }
    return weighted.get(weighted.size() - 1);
  }

  public Route find(UUID tenantId, String model) {
    return find(tenantId, model, null);
  }

  private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean again;

  /** Refreshes now, or right after the refresh in flight (a change announcement; coalesces bursts). */
  public void refreshSoon() {
    if (!refreshing.compareAndSet(false, true)) {
      again = true;
      return;
    }
    refresh().onComplete(x -> {
      refreshing.set(false);
      if (again) {
        again = false;
        refreshSoon();
      }
    });
  }

  public Future<Void> refresh() {
    Instant started = clock.instant();
    return pool.query("""
            SELECT d.tenant_id, m.name AS model, m.id AS model_id, v.id AS version_id, v.version, v.inputs, v.outputs,
                   t.weight, r.id AS replica_id, a.id AS agent_id,
                   coalesce(r.serving_url, a.serving_url) AS serving_url, a.lease_expires_at,
                   a.serving_key_confirmed, a.serving_key_confirmed_secret
            FROM deployments d
            JOIN models m ON m.id = d.model_id
            JOIN deployment_targets t ON t.deployment_id = d.id
            JOIN model_versions v ON v.id = t.version_id
            LEFT JOIN replicas r ON r.deployment_id = d.id AND r.version_id = t.version_id AND r.state = 'READY'
                                 AND r.agent_id IS NOT NULL
            LEFT JOIN agents a ON a.id = r.agent_id
            ORDER BY d.tenant_id, m.name, v.version, r.id""").execute()
        .map(rs -> {
          Map<UUID, Map<String, List<Route>>> fresh = new HashMap<>();
          Map<UUID, Route> byVersion = new HashMap<>();
          for (Row r : rs) {
            UUID tenant = r.getUUID("tenant_id");
            String model = r.getString("model");
            UUID versionId = r.getUUID("version_id");
            Route route = byVersion.get(versionId);
            if (route == null) {
              Route previous = find(tenant, model, Integer.toString(r.getInteger("version")));
              route = new Route(tenant, model, r.getUUID("model_id"), versionId, r.getInteger("version"),
                  r.getInteger("weight"), array(r, "inputs"), array(r, "outputs"), new ArrayList<>(),
                  previous == null ? new AtomicInteger() : previous.next(), liveness);
              byVersion.put(versionId, route);
              fresh.computeIfAbsent(tenant, t -> new HashMap<>()).computeIfAbsent(model, m -> new ArrayList<>()).add(route);
            }
            if (r.getUUID("replica_id") != null) {
              UUID agentId = r.getUUID("agent_id");
              try {
                route.endpoints().add(Endpoint.of(r.getUUID("replica_id"), agentId, r.getString("serving_url"),
                    // the key the agent confirmed holding (it accepts its previous one for a while after)
                    secrets.servingKey(agentId, r.getInteger("serving_key_confirmed"),
                        r.getString("serving_key_confirmed_secret")),
                    r.getOffsetDateTime("lease_expires_at").toInstant()));
              } catch (RuntimeException e) {
                // one bad row (an agent's URL stored before it was validated) loses that replica, never the table
                LOG.warn("routing: skipping replica {} on agent {}: {}", r.getUUID("replica_id"), agentId,
                    e.getMessage());
              }
            }
          }
          routes = fresh;
          liveness.refreshedAt = started;
          return (Void) null;
        })
        .onFailure(e -> LOG.warn("routing refresh failed; serving the last known routes: {}", e.getMessage()));
  }

  private static JsonArray array(Row r, String column) {
    Object v = r.getValue(column);
    return v instanceof JsonArray a ? a : new JsonArray(String.valueOf(v));
  }
}
