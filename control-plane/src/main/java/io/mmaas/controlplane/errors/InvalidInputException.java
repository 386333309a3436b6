package io.mmaas.controlplane.errors;

/** Maps to HTTP 400 with error code {@code invalid_input}. */
public class InvalidInputException extends ApiException {
  public InvalidInputException(String message) {
    super(400, "invalid_input", message);
  }
}
