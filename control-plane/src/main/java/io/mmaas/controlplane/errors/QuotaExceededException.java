package io.mmaas.controlplane.errors;

/** Maps to HTTP 429 with error code {@code quota_exceeded}. */
public class QuotaExceededException extends ApiException {
  public QuotaExceededException(String message) {
    super(429, "quota_exceeded", message);
  }
}
