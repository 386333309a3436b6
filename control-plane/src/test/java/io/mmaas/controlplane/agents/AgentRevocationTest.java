package io.mmaas.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Agents can be disabled and deleted; enrollment tokens can be single-use")
class AgentRevocationTest {
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
    cp.post(admin, "/api/v1/tenants/acme/models", new JsonObject().put("name", "m"));
    cp.upload(admin, "acme", "m", OnnxModels.mlp(2, 3, 2, 1));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("a disabled agent's credential stops working at once and its replica moves to another agent; audited")
  void disableMovesReplicas() throws Exception {
    String a = enroll(token(false), "node-a").getString("credential");
    cp.post(admin, "/api/v1/tenants/acme/deployments", new JsonObject().put("model", "m").put("replicas", 1));
    await(() -> heartbeat(a).bodyAsJsonObject().getJsonArray("replicas").size() == 1);
    String b = enroll(token(false), "node-b").getString("credential");
    heartbeat(b);
    String aId = agentId("node-a");

    assertThat(post("/api/v1/agents/" + aId + "/disable").statusCode()).isEqualTo(204);
    assertThat(heartbeat(a).statusCode()).as("the credential is refused at once").isEqualTo(401);
    await(() -> heartbeat(b).bodyAsJsonObject().getJsonArray("replicas").size() == 1);
    JsonObject listed = agents().stream().filter(o -> o.getString("name").equals("node-a")).findFirst().orElseThrow();
    assertThat(listed.getString("state")).isEqualTo("DISABLED");
    assertThat(cp.get(admin, "/api/v1/audit-events?action=agent.disable&limit=5").getJsonArray("items")).hasSize(1);

    assertThat(post("/api/v1/agents/" + aId + "/enable").statusCode()).isEqualTo(204);
    assertThat(heartbeat(a).statusCode()).isEqualTo(200);

    assertThat(cp.client.deleteAbs(cp.adminUrl() + "/api/v1/agents/" + aId).bearerTokenAuthentication(admin).send()
        .await().statusCode()).isEqualTo(204);
    assertThat(heartbeat(a).statusCode()).isEqualTo(401);
    assertThat(agents().stream().map(o -> o.getString("name"))).doesNotContain("node-a");
  }

  @Test
  @DisplayName("a single-use token enrols exactly one agent, even when several try at once")
  void singleUseToken() {
    String t = token(true);
    List<Future<HttpResponse<Buffer>>> tries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tries.add(cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
          .put("token", t).put("name", "once-" + i).put("servingUrl", "http://127.0.0.1:" + (2000 + i))));
    }
    Future.all(tries).await();
    assertThat(tries.stream().filter(f -> f.result().statusCode() == 201).count()).isEqualTo(1);
    assertThat(tries.stream().filter(f -> f.result().statusCode() == 401).count()).isEqualTo(4);
  }

  private static String token(boolean singleUse) {
    JsonObject body = singleUse ? new JsonObject().put("singleUse", true) : new JsonObject();
    return cp.post(admin, "/api/v1/agents/enrollment-tokens", body).getString("token");
  }

  private static JsonObject enroll(String token, String name) {
    HttpResponse<Buffer> r = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
        .put("token", token).put("name", name).put("servingUrl", "http://127.0.0.1:1")).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> heartbeat(String credential) {
    return cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/heartbeat").bearerTokenAuthentication(credential)
        .sendJsonObject(new JsonObject().put("generation", 0).put("replicas", new JsonArray())).await();
  }

  private static HttpResponse<Buffer> post(String path) {
    return cp.client.postAbs(cp.adminUrl() + path).bearerTokenAuthentication(admin).send().await();
  }

  private static List<JsonObject> agents() {
    return cp.get(admin, "/api/v1/agents").getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
  }

  private static String agentId(String name) {
    return agents().stream().filter(o -> o.getString("name").equals(name)).findFirst().orElseThrow().getString("id");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition not met within 15 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
