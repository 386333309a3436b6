package io.mmaas.bench.system;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The admin API as one signed-in caller: blocking helpers for arranging state (called from the benchmark's main
 * thread, never an event loop) and asynchronous ones for concurrent requests.
 */
public final class AdminApi {
  private final WebClient http;
  private final String token;
  private final String defaultUrl;

  private AdminApi(WebClient http, String defaultUrl, String token) {
    this.http = http;
    this.defaultUrl = defaultUrl;
    this.token = token;
  }

  static AdminApi signIn(Vertx vertx, String adminUrl, String username, String password) {
    WebClient http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64));
    HttpResponse<Buffer> r = http.postAbs(adminUrl + "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("username", username).put("password", password)).await();
    expect(r, 200, "sign in");
    return new AdminApi(http, adminUrl, r.bodyAsJsonObject().getString("token"));
  }

  public WebClient http() {
    return http;
  }

  public String token() {
    return token;
  }

  /** Sends one request to {@code baseUrl} (any control-plane replica; the token is valid on all of them). */
  public Future<HttpResponse<Buffer>> send(String baseUrl, HttpMethod method, String path, Object body) {
    var req = http.requestAbs(method, baseUrl + path).bearerTokenAuthentication(token);
    if (body == null) {
      return req.send();
    }
    if (body instanceof JsonObject json) {
      return req.sendJsonObject(json);
    }
    return req.putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer((byte[]) body));
  }

  public JsonObject post(String path, JsonObject body) {
    HttpResponse<Buffer> r = send(defaultUrl, HttpMethod.POST, path, body).await();
    expect(r, 201, path);
    return r.bodyAsJsonObject();
  }

  public JsonObject put(String path, JsonObject body) {
    HttpResponse<Buffer> r = send(defaultUrl, HttpMethod.PUT, path, body).await();
    expect(r, 200, path);
    return r.bodyAsJsonObject();
  }

  public JsonObject get(String path) {
    HttpResponse<Buffer> r = send(defaultUrl, HttpMethod.GET, path, null).await();
    expect(r, 200, path);
    return r.bodyAsJsonObject();
  }

  public JsonObject upload(String tenant, String model, byte[] onnx) {
    String path = "/api/v1/tenants/" + tenant + "/models/" + model + "/versions";
    HttpResponse<Buffer> r = send(defaultUrl, HttpMethod.POST, path, onnx).await();
    expect(r, 201, path);
    return r.bodyAsJsonObject();
  }

  /** Polls {@code condition} every 200 ms until it holds; fails with {@code logs} after {@code timeout}. */
  public static void await(String what, Supplier<Boolean> condition, Duration timeout, Supplier<String> logs)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.get()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(what + ": not within " + timeout + logs.get());
      }
      Thread.sleep(200);
    }
  }

  private static void expect(HttpResponse<Buffer> r, int status, String what) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(what + ": expected " + status + " but got " + r.statusCode() + ": "
          + r.bodyAsString());
    }
  }
}
