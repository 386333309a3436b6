package io.mmaas.console.api;

/**
 * Who a call to the admin API is made for: the browser's address and user agent (recorded by the API's audit
 * log) and the console's request id (so one id follows a click through both processes' logs).
 *
 * @param clientIp the browser's IP address as the console saw it, or null
 * @param userAgent the browser's {@code User-Agent}, or null
 * @param requestId the console's id for this request
 */
public record CallContext(String clientIp, String userAgent, String requestId) {
  private static final int MAX_USER_AGENT = 512;

  public CallContext {
    if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
      userAgent = userAgent.substring(0, MAX_USER_AGENT);
    }
  }
}
