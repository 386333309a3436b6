package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.agents.AgentSecrets;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real processes (control plane with its gateway, an agent, its model host, PostgreSQL): an agent's serving key is
 * rotated under steady load through the gateway. No request fails; the host accepts both keys until the overlap after
 * the agent's confirmation has passed, then refuses the old one.
 */
@DisplayName("System: an agent's serving key rotates under steady load without a failed request")
class ServingKeyRotationSystemTest {
  private static final int LEASE_SECONDS = 5;
  static SystemFixture sys;
  static String key;

  @BeforeAll
  static void startSystem() throws Exception {
    sys = SystemFixture.start("keyrot", Map.of("MMAAS_AGENT_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
        "MMAAS_HEARTBEAT_INTERVAL_SECONDS", "1"));
    sys.post("/api/v1/tenants", new JsonObject().put("name", "acme"));
    assertThat(sys.call(HttpMethod.PUT, "/api/v1/tenants/acme/quota",
        new JsonObject().put("requestsPerSecond", 100_000).put("burst", 100_000)).statusCode()).isEqualTo(200);
    key = sys.post("/api/v1/tenants/acme/api-keys", new JsonObject().put("name", "app")).getString("key");
    sys.post("/api/v1/tenants/acme/models", new JsonObject().put("name", "scorer"));
    sys.upload("acme", "scorer", OnnxModels.mlp(4, 8, 3, 99));
    sys.post("/api/v1/tenants/acme/deployments", new JsonObject().put("model", "scorer").put("replicas", 1));
    sys.startAgent("keyrot-agent-1");
    sys.await("model ready", () -> sys.http.getAbs(sys.gatewayUrl + "/v2/models/scorer/ready")
        .bearerTokenAuthentication(key).send().await().statusCode() == 200, Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopSystem() throws Exception {
    if (sys != null) {
      sys.close();
    }
  }

  static JsonObject input() {
    return new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
        .put("datatype", "FP32").put("shape", new JsonArray().add(1).add(4))
        .put("data", new JsonArray().add(0.1).add(0.2).add(0.3).add(0.4))));
  }

  static JsonObject agentRow() {
    return sys.get("/api/v1/agents").getJsonArray("items").getJsonObject(0);
  }

  @Test
  @DisplayName("rotate-serving-key under load: 0 failed requests, gateways switch on confirmation, old key 401 after the overlap")
  void rotationUnderLoad() throws Exception {
    JsonObject agent = agentRow();
    UUID agentId = UUID.fromString(agent.getString("id"));
    String hostUrl = agent.getJsonArray("replicas").getJsonObject(0).getString("servingUrl");
    String replica = agent.getJsonArray("replicas").getJsonObject(0).getString("id");
    byte[] secret = SystemFixture.SERVING_SECRET.getBytes(StandardCharsets.UTF_8);
    AgentSecrets secrets = new AgentSecrets(secret);
    String oldKey = secrets.servingKey(agentId);
    String newKey = secrets.servingKey(agentId, 1, AgentSecrets.fingerprint(secret));
    assertThat(direct(hostUrl, replica, oldKey)).as("the enrolled key").isEqualTo(200);
    assertThat(direct(hostUrl, replica, newKey)).as("not yet issued").isEqualTo(401);

    long overlapMs = 2_000L * LEASE_SECONDS;
    long rotatedAt;
    long confirmedAt;
    long refusedAt;
    String figures;
    try (SteadyLoad load = new SteadyLoad(sys, key, "scorer", input(), 2, 0, false)) {
      load.awaitOk(50, 20_000);
      rotatedAt = System.nanoTime();
      HttpResponse<Buffer> rotated = sys.call(HttpMethod.POST, "/api/v1/agents/" + agentId + "/rotate-serving-key",
          null);
      assertThat(rotated.statusCode()).as(rotated.bodyAsString()).isEqualTo(202);
      assertThat(rotated.bodyAsString()).doesNotContain(newKey).doesNotContain(oldKey);
      sys.await("the agent confirmed the new key", () -> agentRow().getJsonObject("servingKey")
          .getInteger("confirmedGeneration") == 1, Duration.ofSeconds(30));
      confirmedAt = System.nanoTime();
      assertThat(direct(hostUrl, replica, newKey)).as("the new key, once confirmed").isEqualTo(200);
      assertThat(direct(hostUrl, replica, oldKey)).as("the old key in the overlap").isEqualTo(200);
      sys.await("the old key refused", () -> direct(hostUrl, replica, oldKey) == 401,
          Duration.ofMillis(overlapMs + 20_000));
      refusedAt = System.nanoTime();
      load.awaitOk(50, 20_000); // the gateway presents the new key: traffic flows on after the old one is gone
      load.close();
      figures = load.toString();
      assertThat(load.failed.get()).as("failed requests through the gateway: " + load).isZero();
      assertThat(load.firstAttemptFailed.get()).isZero();
    }
    long switchMs = (confirmedAt - rotatedAt) / 1_000_000;
    long refusedMs = (refusedAt - confirmedAt) / 1_000_000;
    System.out.printf("[figure] serving key rotation under load: %s; rotate -> agent confirmed (gateways switch) "
        + "%d ms; confirmed -> old key refused %d ms (overlap %d ms)%n", figures, switchMs, refusedMs, overlapMs);
    assertThat(refusedMs).as("the old key is accepted for the overlap after confirmation")
        .isGreaterThanOrEqualTo(overlapMs - 2_000);
    assertThat(direct(hostUrl, replica, newKey)).isEqualTo(200);
    assertThat(sys.get("/api/v1/audit-events?action=agent.rotate_serving_key&limit=5").getJsonArray("items"))
        .hasSize(1);
    assertThat(sys.get("/api/v1/audit-events?action=agent.confirm_serving_key&limit=5").getJsonArray("items"))
        .hasSize(1);
    assertThat(agentRow().getJsonArray("replicas").getJsonObject(0).getString("servingUrl"))
        .as("the same host serves the replica: nothing was reloaded").isEqualTo(hostUrl);
  }

  static int direct(String hostUrl, String replica, String servingKey) {
    return sys.http.postAbs(hostUrl + "/v2/models/" + replica + "/infer").bearerTokenAuthentication(servingKey)
        .sendJsonObject(input()).await().statusCode();
  }
}
