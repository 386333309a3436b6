package io.mmaas.controlplane.testing;

import io.mmaas.controlplane.app.Config;
import io.mmaas.controlplane.app.ControlPlaneVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The real control plane in-process for a test class: a fresh migrated database, ephemeral ports, a known admin
 * password, and a few blocking helpers for arranging state (tests assert through the HTTP API).
 */
public final class ControlPlaneFixture implements AutoCloseable {
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-password-for-tests";

  public final Vertx vertx;
  public final TestDatabase db;
  public final ControlPlaneVerticle verticle;
  public final WebClient client;
  public final Path dataDir;

  private ControlPlaneFixture(Vertx vertx, TestDatabase db, ControlPlaneVerticle verticle, Path dataDir) {
    this.vertx = vertx;
    this.db = db;
    this.verticle = verticle;
    this.dataDir = dataDir;
    this.client = WebClient.create(vertx);
  }

  public static ControlPlaneFixture start(Map<String, String> extraEnv) throws IOException {
    return startWith(db -> extraEnv);
  }

  /** Like {@link #start(Map)}, with variables that depend on the fresh database (its name, its URL). */
  public static ControlPlaneFixture startWith(java.util.function.Function<TestDatabase, Map<String, String>> extra)
      throws IOException {
    TestDatabase db = TestDatabase.create();
    return start(db, extra.apply(db));
  }

  /** On a database of the test's own (e.g. reached through a {@link DatabaseLink} given in {@code extraEnv}). */
  public static ControlPlaneFixture start(TestDatabase db, Map<String, String> extraEnv) throws IOException {
    Path dataDir = Files.createTempDirectory("mmaas-cp-");
    Map<String, String> env = new HashMap<>(baseEnv(db, dataDir));
    env.putAll(extraEnv);
    Vertx vertx = Vertx.vertx();
    ControlPlaneVerticle verticle = new ControlPlaneVerticle(Config.from(env), Clock.systemUTC());
    vertx.deployVerticle(verticle).await();
    return new ControlPlaneFixture(vertx, db, verticle, dataDir);
  }

  public static ControlPlaneFixture start() throws IOException {
    return start(Map.of());
  }

  public static Map<String, String> baseEnv(TestDatabase db, Path dataDir) {
    return Map.of(
        "MMAAS_DATABASE_URL", db.url(),
        "MMAAS_ADMIN_PORT", "0", "MMAAS_GATEWAY_PORT", "0", "MMAAS_AGENT_API_PORT", "0",
        "MMAAS_JWT_SECRET", "test-jwt-secret-0123456789abcdef0123456789",
        "MMAAS_AGENT_SERVING_SECRET", "test-agent-secret-0123456789abcdef012345678",
        "MMAAS_ADMIN_PASSWORD", ADMIN_PASSWORD,
        "MMAAS_DATA_DIR", dataDir.toString(),
        "MMAAS_SCHEDULER_INTERVAL_MS", "200");
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + verticle.adminPort();
  }

  public String gatewayUrl() {
    return "http://127.0.0.1:" + verticle.gatewayPort();
  }

  public String agentApiUrl() {
    return "http://127.0.0.1:" + verticle.agentApiPort();
  }

  // ---- blocking helpers for arranging state (called from the test thread, never an event loop) ----

  public String login(String username, String password) {
    HttpResponse<Buffer> r = client.postAbs(adminUrl() + "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("username", username).put("password", password)).await();
    expect(r, 200);
    return r.bodyAsJsonObject().getString("token");
  }

  public String adminToken() {
    return login(ADMIN, ADMIN_PASSWORD);
  }

  public JsonObject post(String token, String path, JsonObject body) {
    HttpResponse<Buffer> r = client.postAbs(adminUrl() + path).bearerTokenAuthentication(token)
        .sendJsonObject(body).await();
    expect(r, 201);
    return r.bodyAsJsonObject();
  }

  public JsonObject get(String token, String path) {
    HttpResponse<Buffer> r = client.getAbs(adminUrl() + path).bearerTokenAuthentication(token).send().await();
    expect(r, 200);
    return r.bodyAsJsonObject();
  }

  public JsonObject upload(String token, String tenant, String model, byte[] onnx) {
    HttpResponse<Buffer> r = client.postAbs(adminUrl() + "/api/v1/tenants/" + tenant + "/models/" + model + "/versions")
        .bearerTokenAuthentication(token).putHeader("Content-Type", "application/octet-stream")
        .sendBuffer(Buffer.buffer(onnx)).await();
    expect(r, 201);
    return r.bodyAsJsonObject();
  }

  /**
   * Audit events of changes (outcome success or failure), not of denials: denials are summarised and the summaries
   * written by a periodic job, which can land inside any window a test counts (it failed CI runs that way), and no
   * denial is a change. Tests about denials count their own action ({@link #auditCount(String)}).
   */
  public long auditCount() {
    try (var c = db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("SELECT count(*) FROM audit_events WHERE outcome <> 'denied'")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Audit events of one action only: counts that other events written meanwhile (denial summaries) cannot move. */
  public long auditCount(String action) {
    try (var c = db.connect();
         var s = c.prepareStatement("SELECT count(*) FROM audit_events WHERE action = ?")) {
      s.setString(1, action);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public long count(String table) {
    try (var c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void expect(HttpResponse<Buffer> r, int status) {
    if (r.statusCode() != status) {
      throw new AssertionError("expected " + status + " but got " + r.statusCode() + ": " + r.bodyAsString());
    }
  }

  @Override
  public void close() {
    vertx.close().await();
    db.close();
  }
}
