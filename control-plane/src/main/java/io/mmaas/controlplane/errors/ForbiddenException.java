package io.mmaas.controlplane.errors;

/** Maps to HTTP 403 with error code {@code forbidden}. */
public class ForbiddenException extends ApiException {
  public ForbiddenException(String message) {
    super(403, "forbidden", message);
  }
}
