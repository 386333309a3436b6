package io.mmaas.agent.runtime;

/** A replica could not be loaded; the message is the reason reported to the control plane. */
public class ModelLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String reason) {
    super(reason);
  }

  public ModelLoadException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
