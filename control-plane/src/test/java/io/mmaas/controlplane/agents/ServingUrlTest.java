package io.mmaas.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Serving URLs are validated at enrolment and heartbeat, and one bad row never stops routing")
class ServingUrlTest {
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("enrolment and heartbeat refuse URLs the gateway could not route to")
  void badUrlsRefused() {
    for (String bad : new String[] {"http://[", "http://[::1", "http://a_b:80", "http://host:0", "http://host:99999",
        "http://user@host:80", "http://host/x?y=1", "ftp://host", "http://", "http://host:80#f"}) {
      assertThat(enroll("bad-" + bad.length(), bad).statusCode()).as(bad).isEqualTo(400);
    }
    HttpResponse<Buffer> ok = enroll("good", "http://[::1]:9090/");
    assertThat(ok.statusCode()).isEqualTo(201);
    String credential = ok.bodyAsJsonObject().getString("credential");
    assertThat(heartbeat(credential, "http://[", new JsonArray()).statusCode()).isEqualTo(400);
    assertThat(heartbeat(credential, "http://127.0.0.1:9091", new JsonArray()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a replica on an agent whose stored URL cannot be parsed is skipped; the other replica still routes")
  void badRowIsSkipped() throws Exception {
    String key = cp.post(admin, "/api/v1/tenants/acme/api-keys", new JsonObject().put("name", "app")).getString("key");
    cp.post(admin, "/api/v1/tenants/acme/models", new JsonObject().put("name", "m"));
    cp.upload(admin, "acme", "m", OnnxModels.mlp(2, 3, 2, 5));
    String a = enroll("node-a", "http://127.0.0.1:1").bodyAsJsonObject().getString("credential");
    String b = enroll("node-b", "http://127.0.0.1:2").bodyAsJsonObject().getString("credential");
    // as an agent enrolled before URLs were validated would have it
    try (var c = cp.db.connect(); var s = c.createStatement()) {
      s.executeUpdate("UPDATE agents SET serving_url = 'http://[' WHERE name = 'node-b'");
    }
    cp.post(admin, "/api/v1/tenants/acme/deployments", new JsonObject().put("model", "m").put("replicas", 2));
    JsonArray[] desired = {new JsonArray(), new JsonArray()};
    await(() -> {
      desired[0] = heartbeat(a, null, new JsonArray()).bodyAsJsonObject().getJsonArray("replicas");
      desired[1] = heartbeat(b, null, new JsonArray()).bodyAsJsonObject().getJsonArray("replicas");
      return desired[0].size() == 1 && desired[1].size() == 1;
    });
    // the bad agent's replica first, so that no refresh ever sees the good one alone
    heartbeat(b, null, ready(desired[1]));
    heartbeat(a, null, ready(desired[0]));
    await(() -> cp.client.getAbs(cp.gatewayUrl() + "/v2/models/m/ready").bearerTokenAuthentication(key).send()
        .await().statusCode() == 200);
  }

  private static JsonArray ready(JsonArray desired) {
    return new JsonArray().add(new JsonObject().put("replicaId", desired.getJsonObject(0).getString("replicaId"))
        .put("state", "READY"));
  }

  private static HttpResponse<Buffer> enroll(String name, String url) {
    String token = cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject()).getString("token");
    return cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll")
        .sendJsonObject(new JsonObject().put("token", token).put("name", name).put("servingUrl", url)).await();
  }

  private static HttpResponse<Buffer> heartbeat(String credential, String url, JsonArray replicas) {
    JsonObject body = new JsonObject().put("generation", 0).put("replicas", replicas);
    if (url != null) {
      body.put("servingUrl", url);
    }
    return cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/heartbeat").bearerTokenAuthentication(credential)
        .sendJsonObject(body).await();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition not met within 15 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
