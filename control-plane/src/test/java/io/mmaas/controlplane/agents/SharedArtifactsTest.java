package io.mmaas.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.controlplane.testing.S3Server;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two control planes on one database: a model uploaded through one is downloaded by an agent from the other's agent
 * API, since the content lives in the shared store (PostgreSQL or S3), not on the disk that took the upload.
 */
@DisplayName("Any control-plane replica serves an artifact that was uploaded through another")
class SharedArtifactsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "s3"})
  @DisplayName("upload through replica A, download through replica B's agent API: the same bytes")
  void uploadHereDownloadThere(String store) throws Exception {
    S3Server s3 = store.equals("s3") ? S3Server.start("shared-artifacts") : null;
    Map<String, String> storeEnv = s3 == null ? Map.of() : s3.env();
    ControlPlaneFixture a = ControlPlaneFixture.start(storeEnv);
    Map<String, String> bEnv = new HashMap<>(storeEnv);
    bEnv.put("MMAAS_ROLES", "agent-api");
    bEnv.put("MMAAS_MIGRATE", "false");
    ControlPlaneFixture b = ControlPlaneFixture.start(a.db, bEnv);
    try {
      String admin = a.adminToken();
      a.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
      a.post(admin, "/api/v1/tenants/acme/models", new JsonObject().put("name", "m"));
      // a model of several 1 MiB chunks (and more than one S3 part)
      byte[] model = OnnxModels.mlp(1024, 2600, 2, 3);
      String sha = a.upload(admin, "acme", "m", model).getString("sha256");
      assertThat(model.length).isGreaterThan(9 << 20);

      String token = a.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject()).getString("token");
      HttpResponse<Buffer> enrolled = b.client.postAbs(b.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(
          new JsonObject().put("token", token).put("name", "node").put("servingUrl", "http://127.0.0.1:1")).await();
      assertThat(enrolled.statusCode()).as(enrolled.bodyAsString()).isEqualTo(201);
      String credential = enrolled.bodyAsJsonObject().getString("credential");
      a.post(admin, "/api/v1/tenants/acme/deployments", new JsonObject().put("model", "m").put("replicas", 1));
      Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
      while (b.client.postAbs(b.agentApiUrl() + "/agent/v1/heartbeat").bearerTokenAuthentication(credential)
          .sendJsonObject(new JsonObject().put("generation", 0).put("replicas", new JsonArray())).await()
          .bodyAsJsonObject().getJsonArray("replicas").isEmpty()) {
        assertThat(Instant.now()).as("a replica placed on the agent").isBefore(deadline);
        Thread.sleep(100);
      }

      HttpResponse<Buffer> download = b.client.getAbs(b.agentApiUrl() + "/agent/v1/artifacts/" + sha)
          .bearerTokenAuthentication(credential).send().await();
      assertThat(download.statusCode()).as(download.bodyAsString()).isEqualTo(200);
      assertThat(download.getHeader("Content-Length")).isEqualTo(Integer.toString(model.length));
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body().getBytes())))
          .isEqualTo(sha);
    } finally {
      b.vertx.close().await();
      a.close();
      if (s3 != null) {
        s3.close();
      }
    }
  }
}
