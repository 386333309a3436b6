package io.mmaas.console.api;

/** No usable answer came from the admin API: it could not be reached, took too long, or sent something unreadable. */
public final class ApiUnavailableException extends RuntimeException {

  /** Why there was no usable answer. */
  public enum Kind {
    UNREACHABLE, TIMED_OUT, BAD_RESPONSE
  }

  private final Kind kind;

  public ApiUnavailableException(Kind kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
