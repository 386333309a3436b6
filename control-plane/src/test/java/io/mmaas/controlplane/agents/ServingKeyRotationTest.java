package io.mmaas.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Serving key rotation against a real control plane and PostgreSQL, with a stand-in agent: an HTTP server that
 * answers inference and records the serving key the gateway presents, and heartbeats the test sends itself.
 */
@DisplayName("An agent's serving key rotates without enrolling again; so does the serving secret of the fleet")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingKeyRotationTest {
  private static final String OLD_SECRET = "test-agent-secret-0123456789abcdef012345678"; // the fixture's
  private static final String NEW_SECRET = "the-new-fleet-serving-secret-0123456789abcdefgh";

  static ControlPlaneFixture cp;
  static HttpServer standIn;
  static final AtomicReference<String> presented = new AtomicReference<>();
  static String admin;
  static String apiKey;
  static String credential;
  static String servingUrl;
  static String agentId;
  static String enrolledKey;
  static JsonArray reported = new JsonArray();

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    standIn = cp.vertx.createHttpServer().requestHandler(req -> {
      presented.set(req.getHeader("Authorization"));
      req.body().onComplete(b -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("model_name", "iris").put("outputs", new JsonArray().add(new JsonObject().put("name", "out")
              .put("datatype", "FP32").put("shape", new JsonArray().add(1).add(1))
              .put("data", new JsonArray().add(1.5)))).encode()));
    }).listen(0, "127.0.0.1").await();
    servingUrl = "http://127.0.0.1:" + standIn.actualPort();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
    cp.post(admin, "/api/v1/tenants/acme/models", new JsonObject().put("name", "iris"));
    cp.upload(admin, "acme", "iris", OnnxModels.mlp(4, 5, 3, 7));
    cp.post(admin, "/api/v1/tenants/acme/deployments", new JsonObject().put("model", "iris").put("replicas", 1));
    apiKey = cp.post(admin, "/api/v1/tenants/acme/api-keys", new JsonObject().put("name", "app")).getString("key");
    String token = cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject().put("name", "t"))
        .getString("token");
    JsonObject enrolled = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
        .put("token", token).put("name", "stand-in").put("servingUrl", servingUrl)).await().bodyAsJsonObject();
    credential = enrolled.getString("credential");
    agentId = enrolled.getString("agentId");
    enrolledKey = enrolled.getString("servingKey");
    await(() -> heartbeat(cp, 0).getJsonArray("replicas").size() == 1);
    heartbeat(cp, 0); // reports the replica READY
    await(() -> infer(cp).statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (cp != null) {
      cp.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("rotate-serving-key: platform admins only, 404 for unknown agents, 409 while pending; audited without the key")
  void endpoint() {
    String tina = tenantAdmin();
    assertThat(rotate(tina, agentId).statusCode()).as("a tenant admin").isEqualTo(403);
    assertThat(rotate(admin, UUID.randomUUID().toString()).statusCode()).isEqualTo(404);
    assertThat(rotate(admin, "not-a-uuid").statusCode()).isEqualTo(404);
    assertThat(keyState().getInteger("generation")).as("nothing changed").isZero();

    HttpResponse<Buffer> rotated = rotate(admin, agentId);
    assertThat(rotated.statusCode()).as(rotated.bodyAsString()).isEqualTo(202);
    JsonObject key = rotated.bodyAsJsonObject().getJsonObject("servingKey");
    assertThat(key.getInteger("generation")).isEqualTo(1);
    assertThat(key.getInteger("confirmedGeneration")).isZero();
    assertThat(key.getBoolean("pending")).isTrue();
    assertThat(rotated.bodyAsString()).as("the answer never holds a key").doesNotContain(enrolledKey);

    HttpResponse<Buffer> again = rotate(admin, agentId);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("pending");
    assertThat(keyState().getInteger("generation")).as("the refused rotation changed nothing").isEqualTo(1);

    JsonArray events = cp.get(admin, "/api/v1/audit-events?action=agent.rotate_serving_key&limit=10")
        .getJsonArray("items");
    assertThat(events).hasSize(1);
    JsonObject event = events.getJsonObject(0);
    assertThat(event.getJsonObject("target").getString("id")).isEqualTo(agentId);
    assertThat(event.encode()).contains("\"generation\":1").doesNotContain(enrolledKey);
  }

  @Test
  @Order(2)
  @DisplayName("the heartbeat hands the new key over; gateways present the old one until the agent confirms, then the new")
  void handOver() throws Exception {
    JsonObject answer = heartbeat(cp, 0).getJsonObject("servingKey");
    assertThat(answer.getInteger("generation")).isEqualTo(1);
    String newKey = answer.getString("key");
    assertThat(newKey).isNotBlank().isNotEqualTo(enrolledKey);
    assertThat(answer.getLong("overlapMillis")).as("two lease periods (10 s each)").isEqualTo(20_000L);
    assertThat(heartbeat(cp, 0).getJsonObject("servingKey").getString("key")).as("stable until confirmed")
        .isEqualTo(newKey);

    // not confirmed yet: the agent may not hold the new key everywhere, so gateways keep the one it confirmed
    cp.verticle.routing().refresh().await();
    assertThat(infer(cp).statusCode()).isEqualTo(200);
    assertThat(presented.get()).isEqualTo("Bearer " + enrolledKey);

    JsonObject confirmed = heartbeat(cp, 1).getJsonObject("servingKey");
    assertThat(confirmed.getInteger("generation")).isEqualTo(1);
    assertThat(confirmed.containsKey("key")).as("an agent holding the key is not sent it again").isFalse();
    JsonObject state = keyState();
    assertThat(state.getInteger("confirmedGeneration")).isEqualTo(1);
    assertThat(state.getBoolean("pending")).isFalse();
    assertThat(cp.get(admin, "/api/v1/audit-events?action=agent.confirm_serving_key&limit=10")
        .getJsonArray("items")).hasSize(1);

    // the confirmation tells the gateways to refresh: they switch without waiting for their next poll
    await(() -> infer(cp).statusCode() == 200 && ("Bearer " + newKey).equals(presented.get()));
    assertThat(rotate(admin, agentId).statusCode()).as("confirmed: the next rotation may start").isEqualTo(202);
    cp.verticle.routing().refresh().await();
    presented.set(null);
    assertThat(infer(cp).statusCode()).isEqualTo(200);
    assertThat(presented.get()).as("a pending rotation changes nothing for gateways").isEqualTo("Bearer " + newKey);
    heartbeat(cp, 2);
    assertThat(keyState().getInteger("confirmedGeneration")).isEqualTo(2);
  }

  @Test
  @Order(3)
  @DisplayName("MMAAS_AGENT_SERVING_SECRETS=new,old: agents get keys of the new secret with their next heartbeat")
  void fleetSecret() throws Exception {
    // as an agent enrolled before keys named their secret (migration V23): NULL means the oldest configured secret
    try (java.sql.Connection c = cp.db.connect(); var st = c.createStatement()) {
      st.executeUpdate("UPDATE agents SET serving_key_secret = NULL, serving_key_confirmed_secret = NULL");
    }
    // a second control plane on the same database, configured with the new secret first
    ControlPlaneFixture next = ControlPlaneFixture.start(cp.db,
        Map.of("MMAAS_AGENT_SERVING_SECRETS", NEW_SECRET + ", " + OLD_SECRET));
    try {
      String oldKey = new AgentSecrets(OLD_SECRET.getBytes(StandardCharsets.UTF_8))
          .servingKey(UUID.fromString(agentId), 2, null);
      next.verticle.routing().refresh().await();
      assertThat(infer(next).statusCode()).as("the old secret still derives the confirmed key").isEqualTo(200);
      assertThat(presented.get()).isEqualTo("Bearer " + oldKey);

      JsonObject answer = heartbeat(next, 2).getJsonObject("servingKey");
      assertThat(answer.getInteger("generation")).isEqualTo(3);
      byte[] fresh = NEW_SECRET.getBytes(StandardCharsets.UTF_8);
      assertThat(answer.getString("key")).as("derived from the new secret")
          .isEqualTo(new AgentSecrets(List.of(fresh)).servingKey(UUID.fromString(agentId), 3,
              AgentSecrets.fingerprint(fresh)));
      JsonArray events = cp.get(admin, "/api/v1/audit-events?action=agent.rotate_serving_key&limit=10")
          .getJsonArray("items");
      assertThat(events.getJsonObject(0).encode()).contains("no longer the first");

      heartbeat(next, 3);
      await(() -> infer(next).statusCode() == 200 && ("Bearer " + answer.getString("key")).equals(presented.get()));
      assertThat(heartbeat(next, 3).getJsonObject("servingKey").getInteger("generation"))
          .as("a key of the first secret is not rotated again").isEqualTo(3);
    } finally {
      next.vertx.close().await(); // the database is the class's
    }
  }

  private static JsonObject heartbeat(ControlPlaneFixture at, int keyGeneration) {
    HttpResponse<Buffer> r = at.client.postAbs(at.agentApiUrl() + "/agent/v1/heartbeat")
        .bearerTokenAuthentication(credential)
        .sendJsonObject(new JsonObject().put("generation", 0).put("executionProvider", "CPU")
            .put("servingUrl", servingUrl).put("servingKeyGeneration", keyGeneration)
            .put("capabilities", new JsonObject().put("cpus", 2).put("hostMemoryBytes", 1L << 33))
            .put("replicas", reported)).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray next = new JsonArray();
    r.bodyAsJsonObject().getJsonArray("replicas").forEach(o -> next.add(new JsonObject()
        .put("replicaId", ((JsonObject) o).getString("replicaId")).put("state", "READY")
        .put("memoryBytes", 1000).put("servingUrl", servingUrl)));
    reported = next;
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> infer(ControlPlaneFixture at) {
    return at.client.postAbs(at.gatewayUrl() + "/v2/models/iris/infer").bearerTokenAuthentication(apiKey)
        .sendJsonObject(new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
            .put("shape", new JsonArray().add(1).add(4)).put("datatype", "FP32")
            .put("data", new JsonArray().add(1).add(2).add(3).add(4))))).await();
  }

  private static HttpResponse<Buffer> rotate(String token, String id) {
    return cp.client.postAbs(cp.adminUrl() + "/api/v1/agents/" + id + "/rotate-serving-key")
        .bearerTokenAuthentication(token).send().await();
  }

  private static JsonObject keyState() {
    return cp.get(admin, "/api/v1/agents").getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(a -> a.getString("id").equals(agentId)).findFirst().orElseThrow().getJsonObject("servingKey");
  }

  private static String tenantAdmin() {
    cp.post(admin, "/api/v1/tenants/acme/users", new JsonObject().put("username", "tina")
        .put("role", "tenant_admin").put("password", "password-of-tina-1234"));
    return cp.login("tina@acme", "password-of-tina-1234");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition not met within 15 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
