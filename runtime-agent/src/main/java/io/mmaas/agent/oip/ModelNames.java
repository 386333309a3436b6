package io.mmaas.agent.oip;

import io.mmaas.agent.sync.ReplicaStatus;

/**
 * The name and version a caller sees. The gateway sends the tenant's own names in {@code X-MMaaS-Model-Name} and
 * {@code X-MMaaS-Model-Version}; without them the replica id and the desired version number are used.
 */
record ModelNames(String name, String version) {
  static final String NAME_HEADER = "X-MMaaS-Model-Name";
  static final String VERSION_HEADER = "X-MMaaS-Model-Version";

  static ModelNames resolve(String nameHeader, String versionHeader, ReplicaStatus replica) {
    String name = nameHeader == null || nameHeader.isBlank() ? replica.replicaId() : nameHeader.trim();
    String version = versionHeader == null || versionHeader.isBlank()
        ? Long.toString(replica.version())
        : versionHeader.trim();
    return new ModelNames(name, version);
  }
}
