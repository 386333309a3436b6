package io.mmaas.agent.oip;

/** The request is wrong (HTTP 400); the message tells the caller what to fix. Nothing was run. */
public class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }
}
