package io.mmaas.agent.oip;

/** The request lacks the serving key (HTTP 401). */
public class UnauthorizedException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnauthorizedException(String message) {
    super(message);
  }
}
