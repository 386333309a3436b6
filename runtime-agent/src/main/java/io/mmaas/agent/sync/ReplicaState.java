package io.mmaas.agent.sync;

/** Lifecycle of a replica on this agent, as reported to the control plane. */
public enum ReplicaState {
  /** Fetching the artifact, or waiting for a load slot (reason "queued"). */
  DOWNLOADING,
  /** Creating and warming up the session. */
  LOADING,
  /** Serving. */
  READY,
  /** The last attempt failed; the reason says why; it is retried later with backoff. */
  FAILED
}
