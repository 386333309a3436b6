package io.mmaas.console.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The admin API calls the console makes. Every call carries the signed-in user's bearer token (none for the
 * sign-in itself) and the browser's {@code User-Agent} and address as {@code X-Forwarded-For}, so the API
 * decides what the user may do and records where the request came from.
 *
 * <p>Failures arrive as {@link ApiException} (the API answered with an error) or {@link ApiUnavailableException}
 * (no usable answer).
 */
public final class AdminApiClient {
  /** Longest wait for a response to start or continue before the call counts as timed out. */
  static final long IDLE_TIMEOUT_MS = 10_000;
  /** An upload may wait longer between chunks while the API validates and stores the model. */
  static final long UPLOAD_IDLE_TIMEOUT_MS = 120_000;

  private final WebClient client;
  private final String base;

  /**
   * @param client a client without a default {@code User-Agent} (the browser's is passed on)
   * @param apiBase the API's base URL without a trailing slash, e.g. {@code http://127.0.0.1:8080}
   */
  public AdminApiClient(WebClient client, String apiBase) {
    this.client = client;
    this.base = apiBase;
  }

  /** {@code POST /api/v1/auth/login}: a 401 {@link ApiException} means the credentials were refused. */
  public Future<SignIn> login(String username, String password, CallContext call) {
    HttpRequest<Buffer> request = prepare(client.postAbs(base + "/api/v1/auth/login"), null, call);
    return request
        .sendJsonObject(new JsonObject().put("username", username).put("password", password))
        .transform(ar -> handle(ar.succeeded() ? ar.result() : null, ar.cause(), AdminApiClient::signIn));
  }

  /** {@code GET /api/v1/me}: who the token belongs to now. */
  public Future<ApiUser> me(String token, CallContext call) {
    return prepare(client.getAbs(base + "/api/v1/me"), token, call)
        .send()
        .transform(ar -> handle(ar.succeeded() ? ar.result() : null, ar.cause(), AdminApiClient::user));
  }

  /** {@code GET /api/v1/tenants?limit=…&after=…} (platform admins only). */
  public Future<TenantPage> listTenants(String token, int limit, String after, CallContext call) {
    HttpRequest<Buffer> request = prepare(client.getAbs(base + "/api/v1/tenants"), token, call)
        .addQueryParam("limit", Integer.toString(limit));
    if (after != null) {
      request.addQueryParam("after", after);
    }
    return request.send()
        .transform(ar -> handle(ar.succeeded() ? ar.result() : null, ar.cause(), AdminApiClient::tenantPage));
  }

  /** {@code POST /api/v1/auth/logout}: the token stops working at the API too. */
  public Future<Void> logout(String token, CallContext call) {
    return send(HttpMethod.POST, token, ApiPath.of("auth", "logout"), Map.of(), null, call).mapEmpty();
  }

  /** {@code GET} of any admin API resource, answering its JSON object. */
  public Future<JsonObject> get(String token, ApiPath path, Map<String, String> query, CallContext call) {
    return send(HttpMethod.GET, token, path, query, null, call);
  }

  /** {@code POST} with a JSON body (none when null); a 204 answers an empty object. */
  public Future<JsonObject> post(String token, ApiPath path, JsonObject body, CallContext call) {
    return send(HttpMethod.POST, token, path, Map.of(), body, call);
  }

  /** {@code PUT} with a JSON body, answering the API's object. */
  public Future<JsonObject> put(String token, ApiPath path, JsonObject body, CallContext call) {
    return send(HttpMethod.PUT, token, path, Map.of(), body, call);
  }

  /** {@code PATCH} with a JSON body, answering the API's object. */
  public Future<JsonObject> patch(String token, ApiPath path, JsonObject body, CallContext call) {
    return send(HttpMethod.PATCH, token, path, Map.of(), body, call);
  }

  /** {@code DELETE} of a resource, answering what the API returns (an empty object for 204). */
  public Future<JsonObject> delete(String token, ApiPath path, CallContext call) {
    return send(HttpMethod.DELETE, token, path, Map.of(), null, call);
  }

  /**
   * Streams {@code body} to the API as {@code application/octet-stream} without holding it in memory: the
   * WebClient pipes it with back-pressure. {@code contentLength} is passed on when the browser declared one, so the
   * API can refuse an oversized upload before reading it.
   */
  public Future<JsonObject> upload(String token, ApiPath path, ReadStream<Buffer> body, String contentLength,
      CallContext call) {
    HttpRequest<Buffer> request = prepare(client.requestAbs(HttpMethod.POST, base + path.value()), token, call)
        .putHeader("Content-Type", "application/octet-stream")
        .idleTimeout(UPLOAD_IDLE_TIMEOUT_MS);
    if (contentLength != null) {
      request.putHeader("Content-Length", contentLength);
    }
    return request.sendStream(body)
        .transform(ar -> handle(ar.succeeded() ? ar.result() : null, ar.cause(), json -> json));
  }

  private Future<JsonObject> send(HttpMethod method, String token, ApiPath path, Map<String, String> query,
      JsonObject body, CallContext call) {
    HttpRequest<Buffer> request = prepare(client.requestAbs(method, base + path.value()), token, call);
    query.forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        request.addQueryParam(k, v);
      }
    });
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    return sent.transform(ar -> handle(ar.succeeded() ? ar.result() : null, ar.cause(), json -> json));
  }

  private static HttpRequest<Buffer> prepare(HttpRequest<Buffer> request, String token, CallContext call) {
    request.idleTimeout(IDLE_TIMEOUT_MS).putHeader("Accept", "application/json");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    if (call.userAgent() != null) {
      request.putHeader("User-Agent", call.userAgent());
    }
    if (call.clientIp() != null) {
      request.putHeader("X-Forwarded-For", call.clientIp());
    }
    if (call.requestId() != null) {
      request.putHeader("X-Request-Id", call.requestId());
    }
    return request;
  }

  private static <T> Future<T> handle(HttpResponse<Buffer> response, Throwable cause, Function<JsonObject, T> reader) {
    if (response == null) {
      return Future.failedFuture(unavailable(cause));
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      if (status == 204 || response.body() == null || response.body().length() == 0) {
        try {
          return Future.succeededFuture(reader.apply(new JsonObject()));
        } catch (RuntimeException e) {
          return Future.failedFuture(new ApiUnavailableException(ApiUnavailableException.Kind.BAD_RESPONSE,
              "the admin API sent an empty " + status + " response", e));
        }
      }
      try {
        return Future.succeededFuture(reader.apply(json(response)));
      } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException e) {
        return Future.failedFuture(new ApiUnavailableException(ApiUnavailableException.Kind.BAD_RESPONSE,
            "the admin API sent an unreadable " + status + " response: " + e.getMessage(), e));
      }
    }
    return Future.failedFuture(error(status, response));
  }

  private static ApiUnavailableException unavailable(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return new ApiUnavailableException(ApiUnavailableException.Kind.TIMED_OUT,
          "the admin API did not answer in time", cause);
    }
    return new ApiUnavailableException(ApiUnavailableException.Kind.UNREACHABLE,
        "the admin API could not be reached: " + cause, cause);
  }

  /** Reads the error envelope; a body that is not one (a proxy's page) still gives the status. */
  private static ApiException error(int status, HttpResponse<Buffer> response) {
    return error(status, response.statusMessage(), response.getHeader("X-Request-Id"), response.body());
  }

  /** The error envelope of any answer: the status, its line, the X-Request-Id header and the body read so far. */
  static ApiException error(int status, String statusMessage, String requestIdHeader, Buffer body) {
    String code = "http_" + status;
    String message = statusMessage;
    String requestId = requestIdHeader;
    try {
      if (body == null || body.length() == 0) {
        throw new DecodeException("empty body");
      }
      JsonObject error = new JsonObject(body).getJsonObject("error");
      if (error != null) {
        code = error.getString("code", code);
        message = error.getString("message", message);
        requestId = error.getString("requestId", requestId);
      }
    } catch (DecodeException | ClassCastException e) {
      // not the API's envelope: keep what the status line says
    }
    return new ApiException(status, code, message, requestId);
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      throw new DecodeException("empty body");
    }
    return new JsonObject(body);
  }

  private static SignIn signIn(JsonObject json) {
    try {
      return new SignIn(required(json, "token"), Instant.parse(required(json, "expiresAt")),
          user(json.getJsonObject("user")));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expiresAt is not an ISO-8601 instant");
    }
  }

  private static ApiUser user(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("user is missing");
    }
    return new ApiUser(required(json, "id"), required(json, "username"), required(json, "role"),
        json.getString("tenant"));
  }

  private static TenantPage tenantPage(JsonObject json) {
    JsonArray items = json.getJsonArray("items");
    if (items == null) {
      throw new IllegalArgumentException("items is missing");
    }
    List<Tenant> tenants = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonObject t = items.getJsonObject(i);
      tenants.add(new Tenant(required(t, "id"), required(t, "name"), t.getString("displayName"),
          required(t, "state"), t.getString("createdAt")));
    }
    return new TenantPage(tenants, json.getString("nextCursor"));
  }

  /** A field the contract promises; its absence is a broken response, not an empty value. */
  private static String required(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return v.toString();
  }
}
