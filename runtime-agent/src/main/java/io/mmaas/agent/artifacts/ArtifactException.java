package io.mmaas.agent.artifacts;

/** An artifact could not be fetched or verified; the message is the reason reported for the replica. */
public class ArtifactException extends Exception {
  private static final long serialVersionUID = 1L;

  public ArtifactException(String reason) {
    super(reason);
  }

  public ArtifactException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
