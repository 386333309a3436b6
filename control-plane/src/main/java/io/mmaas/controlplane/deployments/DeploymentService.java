package io.mmaas.controlplane.deployments;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.errors.ConflictException;
import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.gateway.ChangeListener;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.quotas.ResourceLimits;
import io.mmaas.controlplane.registry.ModelVersion;
import io.mmaas.controlplane.registry.RegistryRepository;
import io.mmaas.controlplane.tenants.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Deployments: which versions of a model serve, with what share of traffic and how many replicas. Every change
 * records the desired state (and the previous targets, for rollback) in one transaction with its audit event; the
 * {@link Scheduler} places and removes replicas, and the gateway moves traffic only to READY replicas.
 */
public final class DeploymentService {
  private final Pool pool;
  private final DeploymentRepository deployments;
  private final RegistryRepository registry;
  private final AccessPolicy policy;
  private final AuditWriter audit;
  private final ResourceLimits limits;
  private final Clock clock;

  public DeploymentService(Pool pool, DeploymentRepository deployments, RegistryRepository registry,
                           AccessPolicy policy, AuditWriter audit, ResourceLimits limits, Clock clock) {
    this.pool = pool;
    this.deployments = deployments;
    this.registry = registry;
    this.policy = policy;
    this.audit = audit;
    this.limits = limits;
    this.clock = clock;
  }

  /** A requested target: a version number with a weight and optionally a replica count. */
  public record TargetSpec(int version, int weight, Integer replicas) {
  }

  /**
   * Deploys {@code version} of the model, or the version {@code alias} points at, or its latest version when both are
   * null, with {@code replicas} replicas.
   */
  public Future<Deployment> create(Caller caller, Tenant tenant, String modelName, Integer version, String alias,
                                   int replicas, JsonObject runtime) {
    policy.requireTenantChange(caller, tenant);
    OffsetDateTime now = now();
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> registry.findModel(conn, tenant.id(), modelName).compose(model -> {
      if (model == null) {
        return Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"));
      }
      return (version != null ? registry.findVersion(conn, model.id(), version)
          : alias != null ? registry.versionByAlias(conn, model.id(), alias) : registry.latestVersion(conn, model.id()))
          .compose(v -> {
            if (v == null) {
              return Future.failedFuture(new NotFoundException(version != null
                  ? "version " + version + " of model '" + modelName + "' not found"
                  : alias != null ? "alias '" + alias + "' of model '" + modelName + "' not found"
                  : "model '" + modelName + "' has no version to deploy"));
            }
            List<Deployment.Target> targets = List.of(new Deployment.Target(v.id(), v.version(), 100, replicas));
            return limits.reserveReplicas(conn, tenant.id(), replicas)
                .compose(x -> deployments.insert(conn, id, tenant.id(), model.id(), runtime, now))
                .compose(inserted -> inserted ? deployments.replaceTargets(conn, id, targets, now)
                    : Future.failedFuture(new ConflictException("model '" + modelName + "' is already deployed")))
                .compose(x -> deployments.find(conn, tenant.id(), id))
                .compose(d -> ChangeListener.announce(conn, ChangeListener.ROUTES).map(d))
                .compose(d -> audit.append(conn, caller, AuditRecord.success("deployment.create", tenant.id(),
                    "deployment", id, new JsonObject().put("model", modelName).put("after", summary(d)))).map(d));
          });
    }));
  }

  /** Sets the targets explicitly (weights must add up to 100), and/or the replica count and runtime options. */
  public Future<Deployment> update(Caller caller, Tenant tenant, UUID id, List<TargetSpec> targets, Integer replicas,
                                   JsonObject runtime) {
    return change(caller, tenant, id, "deployment.update", (conn, d) -> {
      if (targets == null) {
        List<Deployment.Target> same = d.targets().stream().map(t -> replicas == null || t.weight() == 0 ? t
            : new Deployment.Target(t.versionId(), t.version(), t.weight(), replicas)).toList();
        return Future.succeededFuture(same);
      }
      return resolve(conn, d, targets, replicas);
    }, runtime);
  }

  /** Sends {@code weight}% of traffic to {@code version} (a canary); the other weighted targets share the rest. */
  public Future<Deployment> rollout(Caller caller, Tenant tenant, UUID id, int version, int weight, Integer replicas) {
    if (weight < 1 || weight > 100) {
      throw new InvalidInputException("weight must be between 1 and 100");
    }
    return change(caller, tenant, id, "deployment.rollout", (conn, d) -> {
      List<Deployment.Target> others = d.targets().stream().filter(t -> t.version() != version && t.weight() > 0).toList();
      int rest = 100 - weight;
      int othersTotal = others.stream().mapToInt(Deployment.Target::weight).sum();
      List<TargetSpec> specs = new ArrayList<>();
      int given = 0;
      for (int i = 0; i < others.size(); i++) {
        Deployment.Target t = others.get(i);
        int w = i == others.size() - 1 ? rest - given : (int) Math.round((double) t.weight() * rest / othersTotal);
        given += w;
        specs.add(new TargetSpec(t.version(), w, t.replicas()));
      }
      int defaultReplicas = others.stream().mapToInt(Deployment.Target::replicas).max().orElse(1);
      specs.add(new TargetSpec(version, weight, replicas == null ? defaultReplicas : replicas));
      if (others.isEmpty() && weight != 100) {
        return Future.failedFuture(new InvalidInputException("nothing else serves: roll out with weight 100"));
      }
      return resolve(conn, d, specs, null);
    }, null);
  }

  /** Sends all traffic to {@code version}; the old targets keep their replicas until the new one is fully READY. */
  public Future<Deployment> promote(Caller caller, Tenant tenant, UUID id, int version) {
    return change(caller, tenant, id, "deployment.promote", (conn, d) -> {
      int replicas = d.targets().stream().filter(t -> t.weight() > 0).mapToInt(Deployment.Target::replicas).max().orElse(1);
      List<TargetSpec> specs = new ArrayList<>();
      d.targets().stream().filter(t -> t.version() != version)
          .forEach(t -> specs.add(new TargetSpec(t.version(), 0, t.replicas())));
      specs.add(new TargetSpec(version, 100, Math.max(replicas, d.targets().stream()
          .filter(t -> t.version() == version).mapToInt(Deployment.Target::replicas).max().orElse(0))));
      return resolve(conn, d, specs, null);
    }, null);
  }

  /** Restores the targets as they were before the last change. */
  public Future<Deployment> rollback(Caller caller, Tenant tenant, UUID id) {
    return change(caller, tenant, id, "deployment.rollback", (conn, d) -> {
      if (d.previousTargets() == null) {
        return Future.failedFuture(new ConflictException("there is no previous state to roll back to"));
      }
      List<TargetSpec> specs = new ArrayList<>();
      d.previousTargets().forEach(o -> {
        JsonObject t = (JsonObject) o;
        specs.add(new TargetSpec(t.getInteger("version"), t.getInteger("weight"), t.getInteger("replicas")));
      });
      return resolve(conn, d, specs, null);
    }, null);
  }

  /**
   * Lifts the quarantine of the deployment's quarantined replicas (they crashed their model host too often): each is
   * loaded again on the agent it is placed on, with a fresh count of crashes. Conflict when none is quarantined.
   */
  public Future<Deployment> retry(Caller caller, Tenant tenant, UUID id) {
    policy.requireTenantWrite(caller, tenant.id());
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> deployments.lock(conn, tenant.id(), id).compose(d -> {
      if (d == null) {
        return Future.failedFuture(new NotFoundException("deployment not found"));
      }
      return deployments.liftQuarantine(conn, id, now).compose(lifted -> {
        if (lifted.isEmpty()) {
          return Future.failedFuture(new ConflictException("no replica of this deployment is quarantined"));
        }
        JsonArray replicas = new JsonArray();
        lifted.forEach(r -> replicas.add(r.toString()));
        return deployments.find(conn, tenant.id(), id).compose(after -> audit.append(conn, caller,
            AuditRecord.success("deployment.retry", tenant.id(), "deployment", id, new JsonObject()
                .put("model", d.modelName()).put("replicas", replicas))).map(after));
      });
    }));
  }

  public Future<Void> delete(Caller caller, Tenant tenant, UUID id) {
    policy.requireTenantWrite(caller, tenant.id());
    return pool.withTransaction(conn -> deployments.lock(conn, tenant.id(), id).compose(d -> {
      if (d == null) {
        return Future.failedFuture(new NotFoundException("deployment not found"));
      }
      return deployments.delete(conn, id).compose(x -> ChangeListener.announce(conn, ChangeListener.ROUTES))
          .compose(x -> audit.append(conn, caller, AuditRecord.success(
          "deployment.delete", tenant.id(), "deployment", id, new JsonObject().put("before", summary(d)))));
    })).mapEmpty();
  }

  public Future<Deployment> get(Caller caller, Tenant tenant, UUID id) {
    policy.requireTenantRead(caller, tenant.id());
    return deployments.find(pool, tenant.id(), id).compose(d -> d == null
        ? Future.failedFuture(new NotFoundException("deployment not found")) : Future.succeededFuture(d));
  }

  public Future<Pages.Page<Deployment>> list(Caller caller, Tenant tenant, Pages.PageRequest page) {
    policy.requireTenantRead(caller, tenant.id());
    Pages.Cursor c = page.after();
    return deployments.page(pool, tenant.id(), page.limit() + 1, c == null ? null : c.createdAt(),
            c == null ? null : c.id())
        .map(rows -> Pages.Page.of(rows, page.limit(), d -> new Pages.Cursor(d.createdAt(), d.id())));
  }

  private interface TargetChange {
    Future<List<Deployment.Target>> apply(SqlConnection conn, Deployment current);
  }

  private Future<Deployment> change(Caller caller, Tenant tenant, UUID id, String action, TargetChange change,
                                    JsonObject runtime) {
    policy.requireTenantChange(caller, tenant);
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> deployments.lock(conn, tenant.id(), id).compose(before -> {
      if (before == null) {
        return Future.failedFuture(new NotFoundException("deployment not found"));
      }
      return change.apply(conn, before).compose(targets -> {
        validate(targets);
        int delta = targets.stream().mapToInt(Deployment.Target::replicas).sum() - before.totalReplicas();
        JsonArray previous = new JsonArray();
        before.targets().forEach(t -> previous.add(t.toJson()));
        return (delta > 0 ? limits.reserveReplicas(conn, tenant.id(), delta) : Future.<Void>succeededFuture())
            .compose(x -> deployments.replaceTargets(conn, id, targets, now))
            .compose(x -> deployments.update(conn, id, runtime == null ? before.runtimeOptions() : runtime,
                previous, now))
            .compose(x -> ChangeListener.announce(conn, ChangeListener.ROUTES))
            .compose(x -> deployments.find(conn, tenant.id(), id))
            .compose(after -> audit.append(conn, caller, AuditRecord.success(action, tenant.id(), "deployment", id,
                new JsonObject().put("model", before.modelName()).put("before", summary(before))
                    .put("after", summary(after)))).map(after));
      });
    }));
  }

  /** Turns version numbers into this model's versions; unknown versions are 404. */
  private Future<List<Deployment.Target>> resolve(SqlConnection conn, Deployment d, List<TargetSpec> specs,
                                                  Integer replicas) {
    List<Future<ModelVersion>> lookups = new ArrayList<>();
    specs.forEach(s -> lookups.add(registry.findVersion(conn, d.modelId(), s.version())));
    return Future.all(lookups).compose(x -> {
      List<Deployment.Target> out = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        ModelVersion v = lookups.get(i).result();
        TargetSpec s = specs.get(i);
        if (v == null) {
          return Future.failedFuture(new NotFoundException("version " + s.version() + " of model '" + d.modelName()
              + "' not found"));
        }
        int current = d.targets().stream().filter(t -> t.versionId().equals(v.id())).mapToInt(Deployment.Target::replicas)
            .findFirst().orElse(d.targets().stream().mapToInt(Deployment.Target::replicas).max().orElse(1));
        int n = s.replicas() != null ? s.replicas() : replicas != null ? replicas : current;
        out.add(new Deployment.Target(v.id(), v.version(), s.weight(), n));
      }
      return Future.succeededFuture(out);
    });
  }

  private static void validate(List<Deployment.Target> targets) {
    if (targets.isEmpty()) {
      throw new InvalidInputException("a deployment needs at least one target");
    }
    Set<Integer> seen = new HashSet<>();
    int sum = 0;
    for (Deployment.Target t : targets) {
      if (!seen.add(t.version())) {
        throw new InvalidInputException("version " + t.version() + " appears twice");
      }
      if (t.weight() < 0 || t.weight() > 100 || t.replicas() < 0 || t.replicas() > 64) {
        throw new InvalidInputException("weights must be 0-100 and replicas 0-64");
      }
      if (t.weight() > 0 && t.replicas() == 0) {
        throw new InvalidInputException("version " + t.version() + " has traffic but no replicas");
      }
      sum += t.weight();
    }
    if (sum != 100) {
      throw new InvalidInputException("target weights must add up to 100, not " + sum);
    }
  }

  private static JsonObject summary(Deployment d) {
    JsonArray ts = new JsonArray();
    d.targets().forEach(t -> ts.add(t.toJson()));
    return new JsonObject().put("targets", ts).put("runtime", d.runtimeOptions());
  }

  private OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

}
