package io.mmaas.agent.runtime;

/** The runtime failed while running a validated request: a fault of the model or the runtime, not the caller. */
public class InferenceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
