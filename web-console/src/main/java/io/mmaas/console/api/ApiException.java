package io.mmaas.console.api;

/**
 * The admin API answered with an error ({@code {"error":{"code","message","requestId"}}}): the status, code and
 * message are the API's own, so a 401 means the token or the credentials were refused.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String requestId;

  public ApiException(int status, String code, String message, String requestId) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The API's request id, or null when the API sent none. */
  public String requestId() {
    return requestId;
  }

  @Override
  public String toString() {
    return "ApiException{" + status + " " + code + ": " + getMessage() + " [api request " + requestId + "]}";
  }
}
