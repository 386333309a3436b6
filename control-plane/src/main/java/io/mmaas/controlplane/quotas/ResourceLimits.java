package io.mmaas.controlplane.quotas;

import io.mmaas.controlplane.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * Checks a change that consumes a counted resource against the tenant's quota, inside the change's transaction and
 * under the quota row's lock (see {@link QuotaRepository#lock}): concurrent requests are serialised per tenant, so
 * the limit holds exactly.
 */
public final class ResourceLimits {
  /** 409 {@code quota_exceeded}: retrying will not help until something is deleted or the quota is raised. */
  public static final class ExceededException extends ApiException {
    public ExceededException(String message) {
      super(409, "quota_exceeded", message);
    }
  }

  private final QuotaRepository quotas;

  public ResourceLimits(QuotaRepository quotas) {
    this.quotas = quotas;
  }

  public Future<Void> reserveModel(SqlConnection conn, UUID tenantId) {
    return quotas.lock(conn, tenantId).compose(q -> quotas.countModels(conn, tenantId).compose(n -> n + 1 > q.maxModels()
        ? Future.failedFuture(new ExceededException("model quota reached (" + q.maxModels() + " models)"))
        : Future.succeededFuture()));
  }

  public Future<Void> reserveStorage(SqlConnection conn, UUID tenantId, long bytes) {
    return quotas.lock(conn, tenantId).compose(q -> quotas.storedBytes(conn, tenantId).compose(used ->
        used + bytes > q.maxStorageBytes()
            ? Future.failedFuture(new ExceededException("storage quota reached: " + used + " of " + q.maxStorageBytes()
                + " bytes used, this version needs " + bytes))
            : Future.succeededFuture()));
  }

  /** {@code additional} replicas on top of what the tenant's deployments already want. */
  public Future<Void> reserveReplicas(SqlConnection conn, UUID tenantId, int additional) {
    return quotas.lock(conn, tenantId).compose(q -> quotas.desiredReplicas(conn, tenantId).compose(used ->
        used + additional > q.maxReplicas()
            ? Future.failedFuture(new ExceededException("replica quota reached: " + used + " of " + q.maxReplicas()
                + " replicas in use, this change needs " + additional + " more"))
            : Future.succeededFuture()));
  }
}
