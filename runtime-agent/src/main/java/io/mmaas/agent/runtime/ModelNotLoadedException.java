package io.mmaas.agent.runtime;

/** The replica is not loaded (never was, or was unloaded while the call waited). */
public class ModelNotLoadedException extends Exception {
  private static final long serialVersionUID = 1L;

  public ModelNotLoadedException(String replicaId) {
    super("replica " + replicaId + " is not loaded");
  }
}
