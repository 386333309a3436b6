package io.mmaas.agent.controlplane;

/** The control plane answered with an error status or a body that breaks the contract. */
public class ControlPlaneException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** @param status the HTTP status, or 0 when the answer was malformed */
  public ControlPlaneException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** A 4xx that retrying the same request cannot fix (everything but 408 and 429). */
  public boolean isPermanent() {
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }
}
