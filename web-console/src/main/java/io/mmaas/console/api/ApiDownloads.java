package io.mmaas.console.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Admin API answers too large to hold (audit exports, usage CSV): the call is made with the user's token like any
 * other, but a successful answer is handed over unread, for the caller to pipe to the browser with back-pressure.
 * An error answer is read (at most {@value #MAX_ERROR_BYTES} bytes) into an {@link ApiException}.
 */
public final class ApiDownloads {
  static final int MAX_ERROR_BYTES = 64 * 1024;

  private final HttpClient client;
  private final String base;

  /** @param apiBase the API's base URL without a trailing slash */
  public ApiDownloads(HttpClient client, String apiBase) {
    this.client = client;
    this.base = apiBase;
  }

  /** {@code GET path?query}: the response, paused, when the API answered 2xx; its error otherwise. */
  public Future<HttpClientResponse> open(String token, ApiPath path, Map<String, String> query, CallContext call) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(base + path.value()
            + queryString(query)).setIdleTimeout(AdminApiClient.IDLE_TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + token);
    if (call.userAgent() != null) {
      options.putHeader("User-Agent", call.userAgent());
    }
    if (call.clientIp() != null) {
      options.putHeader("X-Forwarded-For", call.clientIp());
    }
    if (call.requestId() != null) {
      options.putHeader("X-Request-Id", call.requestId());
    }
    return client.request(options)
        .compose(request -> request.send())
        .transform(ar -> {
          if (ar.failed()) {
            return Future.failedFuture(ar.cause() instanceof TimeoutException
                ? new ApiUnavailableException(ApiUnavailableException.Kind.TIMED_OUT,
                    "the admin API did not answer in time", ar.cause())
                : new ApiUnavailableException(ApiUnavailableException.Kind.UNREACHABLE,
                    "the admin API could not be reached: " + ar.cause(), ar.cause()));
          }
          HttpClientResponse response = ar.result();
          response.pause();
          int status = response.statusCode();
          return status >= 200 && status < 300 ? Future.succeededFuture(response) : errorOf(response);
        });
  }

  private static Future<HttpClientResponse> errorOf(HttpClientResponse response) {
    Promise<HttpClientResponse> failed = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() < MAX_ERROR_BYTES) {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(e -> failed.tryFail(new ApiUnavailableException(
        ApiUnavailableException.Kind.BAD_RESPONSE, "the admin API's error answer broke off", e)));
    response.endHandler(v -> failed.tryFail(AdminApiClient.error(response.statusCode(), response.statusMessage(),
        response.getHeader("X-Request-Id"), body)));
    response.resume();
    return failed.future();
  }

  static String queryString(Map<String, String> query) {
    StringBuilder q = new StringBuilder();
    query.forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        q.append(q.length() == 0 ? '?' : '&').append(encode(k)).append('=').append(encode(v));
      }
    });
    return q.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
