package io.mmaas.controlplane.errors;

/** Maps to HTTP 401 with error code {@code unauthorized}. */
public class UnauthorizedException extends ApiException {
  public UnauthorizedException(String message) {
    super(401, "unauthorized", message);
  }
}
