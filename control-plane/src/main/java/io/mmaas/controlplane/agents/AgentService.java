package io.mmaas.controlplane.agents;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Actor;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.errors.ForbiddenException;
import io.mmaas.controlplane.errors.UnauthorizedException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The agents' side of the control plane: enrollment with a token, heartbeats that renew the lease, record observed
 * replica state and return the desired state, and the check that an agent may fetch an artifact.
 */
public final class AgentService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentService.class);
  private final Pool pool;
  private final AgentRepository agents;
  private final AgentSecrets secrets;
  private final AccessPolicy policy;
  private final AuditWriter audit;
  private final io.mmaas.controlplane.audit.DenialAuditor denials;
  private final Clock clock;
  private final int leaseSeconds;
  private final int heartbeatIntervalSeconds;

  public AgentService(Pool pool, AgentRepository agents, AgentSecrets secrets, AccessPolicy policy, AuditWriter audit,
                      io.mmaas.controlplane.audit.DenialAuditor denials, Clock clock, int leaseSeconds,
                      int heartbeatIntervalSeconds) {
    this.denials = denials;
    this.pool = pool;
    this.agents = agents;
    this.secrets = secrets;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
    this.leaseSeconds = leaseSeconds;
    this.heartbeatIntervalSeconds = heartbeatIntervalSeconds;
  }

  /** A new enrollment token (shown once) valid for {@code ttl}. */
  public Future<JsonObject> createEnrollmentToken(Caller caller, String name, Duration ttl) {
    return createEnrollmentToken(caller, name, ttl, false);
  }

  /** A new enrollment token; a single-use one enrols one agent and is spent. */
  public Future<JsonObject> createEnrollmentToken(Caller caller, String name, Duration ttl, boolean singleUse) {
    policy.requirePlatformAdmin(caller);
    String token = AgentSecrets.random("mmet_");
    UUID id = UUID.randomUUID();
    OffsetDateTime now = now();
    OffsetDateTime expires = now.plus(ttl);
    UUID createdBy = UUID.fromString(caller.actor().id());
    JsonObject view = new JsonObject().put("id", id.toString()).put("name", name)
        .put("expiresAt", expires.toInstant().toString()).put("singleUse", singleUse);
    return pool.withTransaction(conn -> agents.insertToken(conn, id, name, AgentSecrets.sha256(token), expires,
                singleUse, createdBy, now)
            .compose(v -> audit.append(conn, caller, AuditRecord.success("enrollment_token.create", null,
                "enrollment_token", id, new JsonObject().put("after", view)))))
        .map(e -> view.copy().put("token", token));
  }

  /** Enrollment tokens (never their secrets), newest first. */
  public Future<JsonArray> tokens(Caller caller) {
    policy.requirePlatformAdmin(caller);
    return agents.tokens(pool).map(JsonArray::new);
  }

  /** Revokes an enrollment token: agents already enrolled keep their credentials; no new agent can use it. */
  public Future<Void> revokeToken(Caller caller, UUID id) {
    policy.requirePlatformAdmin(caller);
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> agents.revokeToken(conn, id, now).compose(revoked -> revoked
        ? audit.append(conn, caller, AuditRecord.success("enrollment_token.revoke", null, "enrollment_token", id,
            new JsonObject())).mapEmpty()
        : Future.failedFuture(new io.mmaas.controlplane.errors.NotFoundException("enrollment token not found"))));
  }

  /** Enrolls a new agent; yields its id, credential (agent to control plane) and serving key (gateway to agent). */
  public Future<JsonObject> enroll(Caller caller, String token, String name, String servingUrl, JsonObject capabilities) {
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> agents.useToken(conn, AgentSecrets.sha256(token), now).compose(tokenId -> {
      if (tokenId == null) {
        return Future.failedFuture(new UnauthorizedException("invalid, expired, revoked or spent enrollment token"));
      }
      UUID id = UUID.randomUUID();
      String credential = AgentSecrets.random("mmag_");
      return agents.insert(conn, id, name, servingUrl, AgentSecrets.sha256(credential), capabilities,
              now.plusSeconds(leaseSeconds), now, secrets.primary())
          .compose(v -> audit.append(conn, caller.as(Actor.agent(id, name)), AuditRecord.success("agent.enroll", null,
              "agent", id, new JsonObject().put("enrollmentTokenId", tokenId.toString())
                  .put("after", new JsonObject().put("name", name).put("servingUrl", servingUrl)))))
          .map(e -> new JsonObject().put("agentId", id.toString()).put("credential", credential)
              .put("servingKey", secrets.servingKey(id)));
    })).recover(e -> {
      if (e instanceof UnauthorizedException) {
        // summarised like other denials, and capped per source (anonymous callers choose the name they claim)
        return denials.record(caller.as(Actor.anonymous(name)), AuditRecord.denied("agent.enroll", null,
                "agent", null, new JsonObject().put("reason", "invalid, expired, revoked or spent enrollment token")))
            .transform(x -> Future.failedFuture(e));
      }
      return Future.failedFuture(e);
    });
  }

  /** The agent holding this credential, or 401. */
  public Future<Agent> authenticate(String credential) {
    if (credential == null || !credential.startsWith("mmag_")) {
      return Future.failedFuture(new UnauthorizedException("agent credential required"));
    }
    return agents.findByCredential(pool, AgentSecrets.sha256(credential)).compose(a -> a == null
        ? Future.failedFuture(new UnauthorizedException("invalid agent credential")) : Future.succeededFuture(a));
  }

  /** One observed replica state in a heartbeat. */
  /**
   * @param servingUrl where the replica's model host serves it (null: the agent's own URL, agents before hosts)
   * @param quarantined the agent quarantined it: it crashed its host too often
   * @param retry the retry count of the desired state the agent observed this under
   */
  public record Report(UUID replicaId, String state, String reason, Long memoryBytes, String servingUrl,
                       boolean quarantined, int retry) {
    public Report(UUID replicaId, String state, String reason, Long memoryBytes) {
      this(replicaId, state, reason, memoryBytes, null, false, 0);
    }
  }

  public Future<JsonObject> heartbeat(Agent agent, String servingUrl, String executionProvider, JsonObject capabilities,
                                      List<Report> reports) {
    return heartbeat(agent, servingUrl, executionProvider, capabilities, reports, null);
  }

  /**
   * Renews the lease, records the reports and answers the desired state, with the agent's serving key: its newest
   * generation, the key itself when the agent reports holding another ({@code servingKeyGeneration}; null: an agent
   * that does not report it), and how long the agent keeps accepting its previous key once it confirmed the new one.
   * An agent reporting the newest generation confirms it (gateways present it from then on); one that holds a key
   * of an older serving secret gets a new key of the first (fleet-wide rotation of the secret).
   */
  public Future<JsonObject> heartbeat(Agent agent, String servingUrl, String executionProvider, JsonObject capabilities,
                                      List<Report> reports, Integer servingKeyGeneration) {
    OffsetDateTime now = now();
    List<Tuple> updates = new ArrayList<>();
    List<Tuple> quarantines = new ArrayList<>();
    for (Report r : reports) {
      updates.add(Tuple.of(r.replicaId(), agent.id(), r.state(), r.reason(), r.memoryBytes(), now,
          "READY".equals(r.state()) ? r.servingUrl() : null));
      if (r.quarantined()) {
        quarantines.add(Tuple.of(r.replicaId(), agent.id(), now, r.reason(), r.retry()));
      }
    }
    return pool.withTransaction(conn -> agents.renewLease(conn, agent.id(), servingUrl, capabilities,
            executionProvider, now.plusSeconds(leaseSeconds), now)
        .compose(renewed -> settleServingKey(conn, renewed, servingKeyGeneration, now)
            .compose(key -> agents.reportReplicas(conn, agent.id(), updates)
            .compose(changed -> quarantine(conn, agent, quarantines).map(changed))
            .compose(changed -> changed == 0 ? Future.<Void>succeededFuture()
                : io.mmaas.controlplane.gateway.ChangeListener.announce(conn,
                    io.mmaas.controlplane.gateway.ChangeListener.ROUTES))
            .compose(v -> agents.desiredFor(conn, agent.id()))
            .map(desired -> {
              JsonArray replicas = new JsonArray();
              for (AgentRepository.DesiredReplica d : desired) {
                replicas.add(new JsonObject().put("replicaId", d.replicaId().toString()).put("modelName", d.modelName())
                    .put("version", d.version()).put("sha256", d.sha256()).put("sizeBytes", d.sizeBytes())
                    .put("artifactUrl", "/agent/v1/artifacts/" + d.sha256()).put("runtime", d.runtime())
                    .put("format", d.format()).put("tenantId", d.tenantId().toString())
                    .put("deploymentId", d.deploymentId().toString()).put("warmUp", d.warmUp())
                    .put("quarantined", d.quarantined()).put("retry", d.retry()));
              }
              JsonObject servingKey = new JsonObject().put("generation", key.generation())
                  .put("overlapMillis", 2_000L * leaseSeconds);
              if (servingKeyGeneration == null || servingKeyGeneration != key.generation()) {
                try {
                  servingKey.put("key", secrets.servingKey(agent.id(), key.generation(), key.secret()));
                } catch (IllegalArgumentException e) {
                  // its secret was dropped from MMAAS_AGENT_SERVING_SECRETS too early: the agent keeps the key it
                  // has (and keeps serving); the heartbeat must not fail for it
                  LOG.error("agent {}: {}", agent.name(), e.getMessage());
                }
              }
              return new JsonObject().put("generation", renewed.generation())
                  .put("heartbeatIntervalSeconds", heartbeatIntervalSeconds).put("replicas", replicas)
                  .put("servingKey", servingKey);
            }))));
  }

  /**
   * What a heartbeat's report of the serving key the agent holds changes: reporting the newest generation confirms
   * it (audited; gateways are told to refresh their routes, and present it from then on); holding a confirmed key of
   * a serving secret that is no longer the first issues one of the first (audited). Yields the key state after.
   */
  private Future<Agent.ServingKeyState> settleServingKey(io.vertx.sqlclient.SqlConnection conn, Agent agent,
                                                         Integer reported, OffsetDateTime now) {
    Agent.ServingKeyState key = agent.servingKey();
    if (reported == null || reported != key.generation()) {
      return Future.succeededFuture(key);
    }
    if (key.pending()) {
      return agents.confirmServingKey(conn, agent.id(), reported, now).compose(confirmed -> !confirmed
          ? Future.succeededFuture(key)
          : audit.append(conn, Caller.system("heartbeat").as(Actor.agent(agent.id(), agent.name())),
                  AuditRecord.success("agent.confirm_serving_key", null, "agent", agent.id(), new JsonObject()
                      .put("name", agent.name()).put("before", new JsonObject().put("generation", key.confirmed()))
                      .put("after", new JsonObject().put("generation", key.generation()))))
              .compose(e -> io.mmaas.controlplane.gateway.ChangeListener.announce(conn,
                  io.mmaas.controlplane.gateway.ChangeListener.ROUTES))
              .map(v -> new Agent.ServingKeyState(key.generation(), key.secret(), key.generation(), key.secret(),
                  key.rotatedAt(), now)));
    }
    if (secrets.isPrimary(key.secret())) {
      return Future.succeededFuture(key);
    }
    return agents.rotateServingKey(conn, agent.id(), secrets.primary(), now).compose(r -> r == null || !r.rotated()
        ? Future.succeededFuture(key)
        : audit.append(conn, Caller.system("heartbeat"), AuditRecord.success("agent.rotate_serving_key", null,
                "agent", agent.id(), new JsonObject().put("name", agent.name())
                    .put("reason", "its key was derived from a serving secret that is no longer the first "
                        + "(MMAAS_AGENT_SERVING_SECRETS)")
                    .put("before", new JsonObject().put("generation", key.generation()))
                    .put("after", new JsonObject().put("generation", r.agent().servingKey().generation()))))
            .map(e -> r.agent().servingKey()));
  }

  /**
   * Issues the agent's next serving key (platform admins): the agent gets it with its next heartbeat, installs it in
   * its model hosts and confirms it; gateways present the old key until then, and the agent accepts both until
   * two lease periods after it confirmed. 409 while the previous rotation is still pending (not yet confirmed).
   */
  public Future<JsonObject> rotateServingKey(Caller caller, UUID id) {
    policy.requirePlatformAdmin(caller);
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> agents.rotateServingKey(conn, id, secrets.primary(), now).compose(r -> {
      if (r == null) {
        return Future.failedFuture(new io.mmaas.controlplane.errors.NotFoundException("agent not found"));
      }
      Agent.ServingKeyState key = r.agent().servingKey();
      if (!r.rotated()) {
        return Future.failedFuture(new io.mmaas.controlplane.errors.ConflictException("a serving key rotation of "
            + "this agent is still pending: it has not confirmed generation " + key.generation() + " yet"));
      }
      return audit.append(conn, caller, AuditRecord.success("agent.rotate_serving_key", null, "agent", id,
              new JsonObject().put("name", r.agent().name())
                  .put("before", new JsonObject().put("generation", key.confirmed()))
                  .put("after", new JsonObject().put("generation", key.generation()))))
          .map(e -> new JsonObject().put("id", id.toString()).put("name", r.agent().name())
              .put("servingKey", key.toJson()));
    }));
  }

  /**
   * Records the replicas the agent newly quarantined (they crashed their model host too often): they stay FAILED
   * with the agent's reason, are neither loaded again nor placed on another agent, and each quarantine is audited in
   * the tenant's trail. Replicas already quarantined are left as they are.
   */
  private Future<Void> quarantine(io.vertx.sqlclient.SqlConnection conn, Agent agent, List<Tuple> quarantines) {
    if (quarantines.isEmpty()) {
      return Future.succeededFuture();
    }
    return agents.quarantine(conn, quarantines).compose(rows -> {
      List<Future<?>> events = new ArrayList<>();
      for (AgentRepository.Quarantined q : rows) {
        events.add(audit.append(conn, Caller.system("heartbeat").as(Actor.agent(agent.id(), agent.name())),
            AuditRecord.success("replica.quarantine", q.tenantId(), "replica", q.replicaId(), new JsonObject()
                .put("agent", agent.name()).put("model", q.model()).put("version", q.version())
                .put("deploymentId", q.deploymentId().toString()).put("reason", q.reason()))));
      }
      return Future.all(events).mapEmpty();
    });
  }

  /** Refuses an artifact the agent has not been given (403): agents read only what they must run. */
  public Future<Void> checkArtifactAccess(Agent agent, String sha256) {
    return agents.assignedArtifact(pool, agent.id(), sha256).compose(ok -> ok ? Future.succeededFuture()
        : Future.failedFuture(new ForbiddenException("artifact not assigned to this agent")));
  }

  /**
   * Disables an agent (platform admins): its credential is refused from now on, its lease ends, and its replicas
   * are freed for the scheduler to place on other agents (the gateway stops routing to them with the next refresh).
   * The node keeps its files; enabling the agent again lets it heartbeat and receive work anew.
   */
  public Future<Void> disable(Caller caller, UUID id) {
    policy.requirePlatformAdmin(caller);
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> agents.setDisabled(conn, id, now, now).compose(name -> name == null
        ? Future.failedFuture(new io.mmaas.controlplane.errors.NotFoundException("agent not found"))
        : release(conn, id, name, "disabled", now).compose(released -> audit.append(conn, caller,
            AuditRecord.success("agent.disable", null, "agent", id, new JsonObject().put("name", name)
                .put("releasedReplicas", released)))).mapEmpty()));
  }

  /**
   * Approves an agent's capacity as it reports it now (platform admins): until then the scheduler believes at most
   * {@code MMAAS_AGENT_UNAPPROVED_MEMORY_BYTES} of host and of GPU memory, and afterwards at most what was approved,
   * however much the agent claims later (approve again after a hardware change).
   */
  public Future<JsonObject> approve(Caller caller, UUID id) {
    policy.requirePlatformAdmin(caller);
    return pool.withTransaction(conn -> agents.approve(conn, id).compose(approved -> approved == null
        ? Future.failedFuture(new io.mmaas.controlplane.errors.NotFoundException("agent not found"))
        : audit.append(conn, caller, AuditRecord.success("agent.approve", null, "agent", id, new JsonObject()
            .put("name", approved.getString("name")).put("after", approved.getValue("capabilities"))))
            .map(e -> approved)));
  }

  /** Enables a disabled agent again: its credential works, and it gets work once it heartbeats. */
  public Future<Void> enable(Caller caller, UUID id) {
    policy.requirePlatformAdmin(caller);
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> agents.setDisabled(conn, id, null, now).compose(name -> name == null
        ? Future.failedFuture(new io.mmaas.controlplane.errors.NotFoundException("agent not found"))
        : audit.append(conn, caller, AuditRecord.success("agent.enable", null, "agent", id,
            new JsonObject().put("name", name))).mapEmpty()));
  }

  /** Deletes an agent: as {@link #disable}, and its record goes (the node must enrol again to come back). */
  public Future<Void> delete(Caller caller, UUID id) {
    policy.requirePlatformAdmin(caller);
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> agents.setDisabled(conn, id, now, now).compose(name -> name == null
        ? Future.failedFuture(new io.mmaas.controlplane.errors.NotFoundException("agent not found"))
        : release(conn, id, name, "deleted", now).compose(released -> agents.delete(conn, id)
            .compose(x -> audit.append(conn, caller, AuditRecord.success("agent.delete", null, "agent", id,
                new JsonObject().put("name", name).put("releasedReplicas", released))))).mapEmpty()));
  }

  private Future<JsonArray> release(io.vertx.sqlclient.SqlConnection conn, UUID id, String name, String what,
                                    OffsetDateTime now) {
    return agents.releaseReplicas(conn, id, "agent " + name + " was " + what + "; waiting for placement", now)
        .compose(ids -> io.mmaas.controlplane.gateway.ChangeListener.announce(conn,
                io.mmaas.controlplane.gateway.ChangeListener.ROUTES)
            .map(v -> new JsonArray(ids.stream().map(UUID::toString).toList())));
  }

  public Future<JsonArray> list(Caller caller) {
    policy.requirePlatformRead(caller);
    var now = clock.instant();
    return agents.all(pool).compose(list -> agents.disabled(pool).compose(disabled -> agents.approved(pool).compose(
        approvedIds -> agents.replicasByAgent(pool).map(replicas -> {
      JsonArray out = new JsonArray();
      list.forEach(a -> {
        JsonArray placed = replicas.getOrDefault(a.id(), new JsonArray());
        long used = placed.stream().mapToLong(r -> {
          Long m = ((JsonObject) r).getLong("memoryBytes");
          return m == null ? 0 : m;
        }).sum();
        JsonObject json = a.toJson(now).put("replicas", placed).put("memoryUsedBytes", used)
            .put("disabled", disabled.contains(a.id())).put("approved", approvedIds.contains(a.id()));
        if (disabled.contains(a.id())) {
          json.put("state", "DISABLED");
        }
        out.add(json);
      });
      return out;
    }))));
  }

  private OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }
}
