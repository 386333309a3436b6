package io.mmaas.controlplane.deployments;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.errors.ConflictException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.registry.RegistryRepository;
import io.mmaas.controlplane.quotas.ResourceLimits;
import io.mmaas.controlplane.tenants.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Deployments: a model version with a desired number of replicas. Creating one records the desired state and
 * pending replicas; the {@link Scheduler} places them on agents, which load them and report back.
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
    this.limits = limits;
    this.pool = pool;
    this.deployments = deployments;
    this.registry = registry;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  /** Deploys {@code version} of the model (its latest version when null) with {@code replicas} replicas. */
  public Future<Deployment> create(Caller caller, Tenant tenant, String modelName, Integer version, int replicas,
                                   JsonObject runtime) {
    policy.requireTenantWrite(caller, tenant.id());
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> registry.findModel(conn, tenant.id(), modelName).compose(model -> {
      if (model == null) {
        return Future.failedFuture(new NotFoundException("model '" + modelName + "' not found"));
      }
      return (version == null ? registry.latestVersion(conn, model.id()) : registry.findVersion(conn, model.id(), version))
          .compose(v -> {
            if (v == null) {
              return Future.failedFuture(new NotFoundException(version == null
                  ? "model '" + modelName + "' has no version to deploy"
                  : "version " + version + " of model '" + modelName + "' not found"));
            }
            return limits.reserveReplicas(conn, tenant.id(), replicas)
                .compose(x -> deployments.insert(conn, id, tenant.id(), model.id(), v.id(), replicas, runtime, now))
                .compose(inserted -> inserted ? deployments.insertPendingReplicas(conn, id, v.id(), replicas, now)
                    : Future.failedFuture(new ConflictException("model '" + modelName + "' is already deployed")))
                .compose(x -> deployments.find(conn, tenant.id(), id))
                .compose(d -> audit.append(conn, caller, AuditRecord.success("deployment.create", tenant.id(),
                    "deployment", id, new JsonObject().put("after", new JsonObject().put("model", modelName)
                        .put("version", v.version()).put("replicas", replicas).put("runtime", runtime)))).map(d));
          });
    }));
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
}
