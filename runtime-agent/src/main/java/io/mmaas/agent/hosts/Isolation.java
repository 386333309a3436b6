package io.mmaas.agent.hosts;

import io.mmaas.agent.sync.DesiredReplica;
import java.util.Locale;

/**
 * Which replicas share a model host on this agent. A host's crash, memory ceiling and thread budget are shared by
 * its replicas and by nobody else.
 */
public enum Isolation {
  /** One host per tenant (the default): one tenant's model or input never takes another tenant's down. */
  TENANT,
  /** One host per deployment: a tenant's models do not share fate either (more processes, more memory). */
  DEPLOYMENT,
  /** One host for every replica: for trusted single-tenant nodes; the agent itself still survives a crash. */
  SHARED;

  /** The host a replica belongs in; a name safe in paths and logs. */
  public String hostOf(DesiredReplica replica) {
    return switch (this) {
      case TENANT -> "tenant-" + safe(replica.tenantId());
      case DEPLOYMENT -> "deployment-" + safe(replica.deploymentId());
      case SHARED -> "shared";
    };
  }

  private static String safe(String id) {
    String cleaned = id.replaceAll("[^A-Za-z0-9._-]", "_");
    return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
  }

  /** Parses {@code tenant|deployment|shared} in any case. */
  public static Isolation parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be one of tenant, deployment, shared", e);
    }
  }
}
