package io.mmaas.agent.sync;

import io.mmaas.agent.artifacts.ArtifactRef;
import io.mmaas.agent.runtime.RuntimeOptions;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One replica the control plane wants on this agent.
 *
 * @param replicaId a UUID in practice; restricted to {@code [A-Za-z0-9._-]{1,128}} because it appears in paths
 * @param version the model version number, served as {@code model_version} when the gateway does not name one
 */
public record DesiredReplica(
    String replicaId, String modelName, long version, ArtifactRef artifact, RuntimeOptions runtime) {
  private static final Pattern REPLICA_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public DesiredReplica {
    Objects.requireNonNull(replicaId, "replicaId");
    if (!REPLICA_ID.matcher(replicaId).matches()) {
      throw new IllegalArgumentException("replicaId must match " + REPLICA_ID + ", got '" + replicaId + "'");
    }
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(runtime, "runtime");
  }

  /** True when the same session serves both: same bytes, same session options (names may differ). */
  boolean sameSession(DesiredReplica other) {
    return other != null && artifact.sha256().equals(other.artifact.sha256()) && runtime.equals(other.runtime);
  }
}
