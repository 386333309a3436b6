package io.mmaas.controlplane.errors;

/** Maps to HTTP 413 with error code {@code payload_too_large}. */
public class PayloadTooLargeException extends ApiException {
  public PayloadTooLargeException(String message) {
    super(413, "payload_too_large", message);
  }
}
