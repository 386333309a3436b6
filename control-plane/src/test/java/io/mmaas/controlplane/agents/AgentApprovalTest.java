package io.mmaas.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An agent's self-reported capacity is believed only up to a ceiling until a platform admin approves it")
class AgentApprovalTest {
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    // a ceiling below what one small model needs, so that only approval lets it be placed
    cp = ControlPlaneFixture.start(Map.of("MMAAS_AGENT_UNAPPROVED_MEMORY_BYTES", "64"));
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
    cp.post(admin, "/api/v1/tenants/acme/models", new JsonObject().put("name", "m"));
    cp.upload(admin, "acme", "m", OnnxModels.mlp(4, 16, 3, 1));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("claiming 1 TiB gets an unapproved agent no replica the ceiling cannot hold; after approval it gets it")
  void capacityCappedUntilApproved() throws Exception {
    String token = cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject()).getString("token");
    JsonObject enrolled = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
        .put("token", token).put("name", "boastful").put("servingUrl", "http://127.0.0.1:1")).await().bodyAsJsonObject();
    String credential = enrolled.getString("credential");
    String path = "/api/v1/tenants/acme/deployments/"
        + cp.post(admin, "/api/v1/tenants/acme/deployments", new JsonObject().put("model", "m")).getString("id");
    await(() -> {
      heartbeat(credential);
      JsonArray status = cp.get(admin, path).getJsonArray("replicaStatus");
      return !status.isEmpty() && status.getJsonObject(0).getString("reason") != null
          && status.getJsonObject(0).getString("reason").contains("memory");
    });
    assertThat(heartbeat(credential).getJsonArray("replicas")).as("nothing placed while unapproved").isEmpty();
    assertThat(cp.get(admin, "/api/v1/agents").getJsonArray("items").getJsonObject(0).getBoolean("approved")).isFalse();

    var answer = cp.client.postAbs(cp.adminUrl() + "/api/v1/agents/" + enrolled.getString("agentId") + "/approve")
        .bearerTokenAuthentication(admin).send().await();
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonObject approved = answer.bodyAsJsonObject();
    assertThat(approved.getJsonObject("capabilities").getLong("hostMemoryBytes")).isEqualTo(1L << 40);
    await(() -> heartbeat(credential).getJsonArray("replicas").size() == 1);
    assertThat(cp.get(admin, "/api/v1/audit-events?action=agent.approve&limit=5").getJsonArray("items")).hasSize(1);
  }

  private static JsonObject heartbeat(String credential) {
    return cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/heartbeat").bearerTokenAuthentication(credential)
        .sendJsonObject(new JsonObject().put("generation", 0).put("replicas", new JsonArray())
            .put("capabilities", new JsonObject().put("hostMemoryBytes", 1L << 40).put("cpus", 64)))
        .await().bodyAsJsonObject();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition not met within 15 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
