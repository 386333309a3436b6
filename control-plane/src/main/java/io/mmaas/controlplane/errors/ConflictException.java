package io.mmaas.controlplane.errors;

/** Maps to HTTP 409 with error code {@code conflict}. */
public class ConflictException extends ApiException {
  public ConflictException(String message) {
    super(409, "conflict", message);
  }
}
