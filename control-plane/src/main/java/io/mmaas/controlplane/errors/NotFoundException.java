package io.mmaas.controlplane.errors;

/** Maps to HTTP 404 with error code {@code not_found}. */
public class NotFoundException extends ApiException {
  public NotFoundException(String message) {
    super(404, "not_found", message);
  }
}
