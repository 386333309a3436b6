package io.mmaas.controlplane.errors;

/**
 * A domain failure with the HTTP status and stable error code it maps to. Services throw (or fail futures with)
 * its subclasses; the one failure handler per API turns them into responses.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** Structured details for the error body ({@code error.details}), or null. */
  public io.vertx.core.json.JsonObject details() {
    return null;
  }

  /** Seconds the client should wait before retrying (sent as {@code Retry-After}), or 0 for none. */
  public long retryAfterSeconds() {
    return 0;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
