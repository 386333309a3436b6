package io.mmaas.controlplane.errors;

/** Maps to HTTP 503 with error code {@code unavailable}. */
public class UnavailableException extends ApiException {
  public UnavailableException(String message) {
    super(503, "unavailable", message);
  }
}
