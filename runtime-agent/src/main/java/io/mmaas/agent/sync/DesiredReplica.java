package io.mmaas.agent.sync;

import io.mmaas.agent.artifacts.ArtifactRef;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.vertx.core.json.JsonArray;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One replica the control plane wants on this agent.
 *
 * @param replicaId a UUID in practice; restricted to {@code [A-Za-z0-9._-]{1,128}} because it appears in paths
 * @param version the model version number, served as {@code model_version} when the gateway does not name one
 * @param tenantId the tenant that owns it ("default" when the control plane does not say): with the default
 *     isolation, replicas of one tenant share a model host and no other tenant's
 * @param deploymentId its deployment ("default" when not said), for per-deployment isolation
 * @param warmUp the version's warm-up samples (OIP JSON requests); empty for a warm-up on zeros
 * @param quarantined the control plane has recorded this replica as quarantined: it is not loaded
 * @param retry how often an admin asked to retry it after a quarantine; a higher number lifts the agent's own
 *     quarantine of it
 */
public record DesiredReplica(
    String replicaId, String modelName, long version, ArtifactRef artifact, RuntimeOptions runtime,
    String tenantId, String deploymentId, JsonArray warmUp, boolean quarantined, int retry) {
  private static final Pattern REPLICA_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public DesiredReplica {
    Objects.requireNonNull(replicaId, "replicaId");
    if (!REPLICA_ID.matcher(replicaId).matches()) {
      throw new IllegalArgumentException("replicaId must match " + REPLICA_ID + ", got '" + replicaId + "'");
    }
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(runtime, "runtime");
    tenantId = tenantId == null ? "default" : tenantId;
    deploymentId = deploymentId == null ? "default" : deploymentId;
    warmUp = warmUp == null ? new JsonArray() : warmUp;
  }

  /** A replica of the default tenant and deployment, without warm-up samples. */
  public DesiredReplica(String replicaId, String modelName, long version, ArtifactRef artifact,
      RuntimeOptions runtime) {
    this(replicaId, modelName, version, artifact, runtime, null, null, null, false, 0);
  }

  /**
   * True when the same session serves both: same bytes, same session options, same host (names may differ, and
   * new warm-up samples apply at the next load: a serving replica is not reloaded for them).
   */
  boolean sameSession(DesiredReplica other) {
    return other != null && artifact.sha256().equals(other.artifact.sha256()) && runtime.equals(other.runtime)
        && tenantId.equals(other.tenantId) && deploymentId.equals(other.deploymentId);
  }
}
