package io.mmaas.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.controlplane.testing.DatabaseLink;
import io.mmaas.controlplane.testing.TestDatabase;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real control plane whose database link goes through a NetCrusher proxy (cut: PostgreSQL down; frozen: a dead
 * link), with a stand-in agent (a small HTTP server answering OIP) heartbeating through the real agent API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("While the database is down or its link frozen, the gateway serves from its last known state and the admin API answers 503 in bounded time")
class DatabaseOutageTest {
  private static final int LEASE_SECONDS = 4;
  private static final long ADMIN_TIMEOUT_MS = 3_000;

  private TestDatabase db;
  private DatabaseLink link;
  private ControlPlaneFixture cp;
  private HttpServer standIn;
  private final AtomicInteger standInCalls = new AtomicInteger();
  private final AtomicBoolean heartbeating = new AtomicBoolean(true);
  private Thread heartbeats;
  private String admin;
  private String knownKey;
  private String unknownKey;
  private String knownKeyId;

  @BeforeAll
  void start() throws Exception {
    db = TestDatabase.create();
    link = DatabaseLink.to(db.url());
    cp = ControlPlaneFixture.start(db, Map.of(
        "MMAAS_DATABASE_URL", link.url(),
        "MMAAS_MIGRATION_DATABASE_URL", db.url(),
        "MMAAS_AGENT_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
        "MMAAS_HEARTBEAT_INTERVAL_SECONDS", "1",
        "MMAAS_DB_POOL_WAIT_MS", "1000",
        "MMAAS_DB_CONNECT_TIMEOUT_MS", "1000",
        "MMAAS_ADMIN_REQUEST_TIMEOUT_MS", Long.toString(ADMIN_TIMEOUT_MS),
        "MMAAS_USAGE_FLUSH_MS", "500"));
    standIn = cp.vertx.createHttpServer().requestHandler(req -> {
      standInCalls.incrementAndGet();
      req.body().onComplete(b -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("model_name", "iris").put("outputs", new JsonArray().add(new JsonObject().put("name", "out")
              .put("datatype", "FP32").put("shape", new JsonArray().add(1).add(1))
              .put("data", new JsonArray().add(1.5)))).encode()));
    }).listen(0, "127.0.0.1").await();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
    cp.post(admin, "/api/v1/tenants/acme/models", new JsonObject().put("name", "iris"));
    cp.upload(admin, "acme", "iris", OnnxModels.mlp(4, 5, 3, 7));
    cp.post(admin, "/api/v1/tenants/acme/deployments", new JsonObject().put("model", "iris").put("replicas", 1));
    JsonObject created = cp.post(admin, "/api/v1/tenants/acme/api-keys", new JsonObject().put("name", "app"));
    knownKey = created.getString("key");
    knownKeyId = created.getString("id");
    unknownKey = cp.post(admin, "/api/v1/tenants/acme/api-keys", new JsonObject().put("name", "other"))
        .getString("key");

    String token = cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject().put("name", "t"))
        .getString("token");
    String servingUrl = "http://127.0.0.1:" + standIn.actualPort();
    String credential = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll")
        .sendJsonObject(new JsonObject().put("token", token).put("name", "stand-in").put("servingUrl", servingUrl))
        .await().bodyAsJsonObject().getString("credential");
    // the stand-in agent heartbeats every second, reporting READY what it is given (failures are outages: ignored)
    heartbeats = new Thread(() -> {
      JsonArray reported = new JsonArray();
      while (heartbeating.get()) {
        try {
          HttpResponse<Buffer> r = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/heartbeat")
              .bearerTokenAuthentication(credential).timeout(2_000)
              .sendJsonObject(new JsonObject().put("generation", 0).put("executionProvider", "CPU")
                  .put("servingUrl", servingUrl)
                  .put("capabilities", new JsonObject().put("cpus", 2).put("hostMemoryBytes", 1L << 33))
                  .put("replicas", reported)).await();
          if (r.statusCode() == 200) {
            JsonArray next = new JsonArray();
            r.bodyAsJsonObject().getJsonArray("replicas").forEach(o -> next.add(new JsonObject()
                .put("replicaId", ((JsonObject) o).getString("replicaId")).put("state", "READY")
                .put("memoryBytes", 1000).put("servingUrl", servingUrl)));
            reported = next;
          }
        } catch (Exception e) {
          // the control plane's database is down: the agent keeps serving and tries again
        }
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "stand-in-heartbeats");
    heartbeats.setDaemon(true);
    heartbeats.start();
    await(Duration.ofSeconds(20), () -> infer(knownKey).statusCode() == 200);
  }

  @AfterAll
  void stop() throws Exception {
    heartbeating.set(false);
    if (heartbeats != null) {
      heartbeats.interrupt();
      heartbeats.join(5_000);
    }
    link.unfreeze();
    link.restore();
    if (cp != null) {
      cp.close(); // drops the database too
    }
    link.close();
  }

  @Test
  @DisplayName("database down for three lease periods: known keys serve, unknown keys get 503, admin 503 in time; afterwards a revocation made meanwhile applies at once and usage is flushed")
  void databaseDown() throws Exception {
    long usageBefore = usageRequests();
    link.cut();
    Instant cutAt = Instant.now();
    int sent = 0;
    int failed = 0;
    while (Duration.between(cutAt, Instant.now()).toSeconds() < 3L * LEASE_SECONDS) {
      HttpResponse<Buffer> r = infer(knownKey);
      sent++;
      if (r.statusCode() != 200) {
        failed++;
      }
      Thread.sleep(100);
    }
    System.out.println("[figure] database down " + 3 * LEASE_SECONDS + " s: " + failed + " of " + sent
        + " data-plane requests failed");
    assertThat(failed).as("data-plane requests that failed while the database was down").isZero();
    assertThat(infer(unknownKey).statusCode()).as("a key the gateway has never seen").isEqualTo(503);
    long started = System.nanoTime();
    HttpResponse<Buffer> adminAnswer = cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants")
        .bearerTokenAuthentication(admin).send().await();
    long adminMs = (System.nanoTime() - started) / 1_000_000;
    System.out.println("[figure] admin request with the database down: " + adminAnswer.statusCode() + " in "
        + adminMs + " ms");
    assertThat(adminAnswer.statusCode()).isEqualTo(503);
    assertThat(adminAnswer.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unavailable");
    assertThat(adminMs).isLessThan(ADMIN_TIMEOUT_MS + 1_000);

    // an operator revokes the key directly in the database while this gateway cannot hear about it
    try (Connection c = db.connect(); var s = c.prepareStatement(
        "UPDATE api_keys SET revoked_at = now() WHERE id = ?::uuid")) {
      s.setString(1, knownKeyId);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    assertThat(infer(knownKey).statusCode()).as("the revocation cannot reach a gateway cut off").isEqualTo(200);
    link.restore();
    Instant restoredAt = Instant.now();
    await(Duration.ofSeconds(10), () -> infer(knownKey).statusCode() == 401);
    long revokedMs = Duration.between(restoredAt, Instant.now()).toMillis();
    System.out.println("[figure] revocation made during the outage applied " + revokedMs
        + " ms after the database returned");
    assertThat(revokedMs).isLessThan(2_000);
    long expected = usageBefore + sent;
    await(Duration.ofSeconds(10), () -> usageRequests() >= expected);
    System.out.println("[figure] usage rows flushed after the outage: " + (usageRequests() - usageBefore)
        + " requests recorded for " + sent + " sent during it");
  }

  @Test
  @DisplayName("database link frozen: every admin request ends within its timeout with 503 and the data plane is unaffected")
  void linkFrozen() throws Exception {
    String key = cp.post(admin, "/api/v1/tenants/acme/api-keys", new JsonObject().put("name", "frozen"))
        .getString("key");
    await(Duration.ofSeconds(10), () -> infer(key).statusCode() == 200);
    link.freeze();
    try {
      Instant frozenAt = Instant.now();
      int sent = 0;
      int failed = 0;
      long slowestAdminMs = 0;
      int adminAnswers = 0;
      while (Duration.between(frozenAt, Instant.now()).toSeconds() < 2L * LEASE_SECONDS) {
        var pending = cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication(admin)
            .timeout(ADMIN_TIMEOUT_MS + 5_000).send();
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
          HttpResponse<Buffer> r = infer(key);
          sent++;
          if (r.statusCode() != 200) {
            failed++;
          }
          Thread.sleep(100);
        }
        HttpResponse<Buffer> adminAnswer = pending.await();
        long ms = (System.nanoTime() - started) / 1_000_000;
        slowestAdminMs = Math.max(slowestAdminMs, ms);
        adminAnswers++;
        assertThat(adminAnswer.statusCode()).isEqualTo(503);
      }
      System.out.println("[figure] database link frozen " + 2 * LEASE_SECONDS + " s: " + failed + " of " + sent
          + " data-plane requests failed; " + adminAnswers + " admin requests, all 503, slowest " + slowestAdminMs
          + " ms (timeout " + ADMIN_TIMEOUT_MS + " ms)");
      assertThat(failed).isZero();
      assertThat(slowestAdminMs).isLessThan(ADMIN_TIMEOUT_MS + 1_000);
    } finally {
      link.unfreeze();
    }
    Instant unfrozenAt = Instant.now();
    await(Duration.ofSeconds(60), () -> cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants")
        .bearerTokenAuthentication(admin).send().await().statusCode() == 200);
    System.out.println("[figure] admin API answers 200 again " + Duration.between(unfrozenAt, Instant.now()).toMillis()
        + " ms after the link thawed");
  }

  private HttpResponse<Buffer> infer(String key) {
    return cp.client.postAbs(cp.gatewayUrl() + "/v2/models/iris/infer").bearerTokenAuthentication(key)
        .sendJsonObject(new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
            .put("shape", new JsonArray().add(1).add(4)).put("datatype", "FP32")
            .put("data", new JsonArray().add(1).add(2).add(3).add(4))))).await();
  }

  private long usageRequests() {
    try (Connection c = db.connect(); var s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT coalesce(sum(requests), 0) FROM usage_minutes")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(Duration within, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met within " + within);
      }
      Thread.sleep(100);
    }
  }
}
