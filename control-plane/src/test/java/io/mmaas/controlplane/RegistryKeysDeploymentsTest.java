package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Admin and agent APIs: keys, registry, deployments, enrollment and heartbeats")
class RegistryKeysDeploymentsTest {
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start(Map.of("MMAAS_MAX_MODEL_BYTES", "65536"));
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "alpha"));
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "beta"));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  private HttpResponse<Buffer> uploadRaw(String tenant, String model, Buffer body) {
    return cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/" + tenant + "/models/" + model + "/versions")
        .bearerTokenAuthentication(admin).putHeader("Content-Type", "application/octet-stream").sendBuffer(body).await();
  }

  @Test
  @DisplayName("an API key's secret is shown once, stored only as a hash, and kept out of listings and audit")
  void apiKeys() throws Exception {
    JsonObject created = cp.post(admin, "/api/v1/tenants/alpha/api-keys", new JsonObject().put("name", "app"));
    String key = created.getString("key");
    assertThat(key).startsWith("mmaas_").hasSize(57);
    assertThat(created.getJsonArray("scopes")).containsExactly("infer", "metadata");

    JsonObject list = cp.get(admin, "/api/v1/tenants/alpha/api-keys");
    assertThat(list.encode()).doesNotContain(key).doesNotContain(key.substring(19, 51));
    assertThat(list.getJsonArray("items").getJsonObject(0).containsKey("key")).isFalse();
    try (var c = cp.db.connect(); var s = c.createStatement()) {
      var rs = s.executeQuery("SELECT secret_hash::text AS h FROM api_keys");
      while (rs.next()) {
        assertThat(rs.getString("h")).doesNotContain(key.substring(19, 51));
      }
      var audit = s.executeQuery("SELECT string_agg(details, ' ') AS d FROM audit_events");
      audit.next();
      assertThat(audit.getString("d")).doesNotContain(key.substring(19, 51));
    }

    HttpResponse<Buffer> badScope = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/alpha/api-keys")
        .bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "x").put("scopes", new JsonArray().add("admin"))).await();
    assertThat(badScope.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> past = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/alpha/api-keys")
        .bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "x").put("expiresAt", "2001-01-01T00:00:00Z")).await();
    assertThat(past.statusCode()).isEqualTo(400);

    String id = created.getString("id");
    HttpResponse<Buffer> revoked = cp.client.deleteAbs(cp.adminUrl() + "/api/v1/tenants/alpha/api-keys/" + id)
        .bearerTokenAuthentication(admin).send().await();
    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(revoked.bodyAsJsonObject().getString("revokedAt")).isNotNull();
    HttpResponse<Buffer> otherTenant = cp.client.deleteAbs(cp.adminUrl() + "/api/v1/tenants/beta/api-keys/" + id)
        .bearerTokenAuthentication(admin).send().await();
    assertThat(otherTenant.statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("an ONNX upload is hashed, validated and its signature stored; bad or oversized bodies change nothing")
  void upload() throws Exception {
    cp.post(admin, "/api/v1/tenants/alpha/models", new JsonObject().put("name", "mlp").put("description", "demo"));
    byte[] onnx = OnnxModels.mlp(4, 8, 3, 42);
    JsonObject v1 = cp.upload(admin, "alpha", "mlp", onnx);
    assertThat(v1.getInteger("version")).isEqualTo(1);
    assertThat(v1.getString("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));
    assertThat(v1.getLong("sizeBytes")).isEqualTo(onnx.length);
    JsonObject input = v1.getJsonArray("inputs").getJsonObject(0);
    assertThat(input.getString("name")).isEqualTo("input");
    assertThat(input.getString("datatype")).isEqualTo("FP32");
    assertThat(input.getJsonArray("shape").encode()).isEqualTo("[-1,4]");

    // the same content again is a new version but one stored blob
    assertThat(cp.upload(admin, "alpha", "mlp", onnx).getInteger("version")).isEqualTo(2);
    assertThat(cp.count("blobs")).isEqualTo(1);

    long audit = cp.auditCount();
    long versions = cp.count("model_versions");
    HttpResponse<Buffer> garbage = uploadRaw("alpha", "mlp", Buffer.buffer("this is not an onnx model at all"));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("not a valid ONNX model");
    assertThat(uploadRaw("alpha", "mlp", Buffer.buffer()).statusCode()).isEqualTo(400);
    assertThat(uploadRaw("alpha", "mlp", Buffer.buffer(new byte[70_000])).statusCode()).isEqualTo(413);
    assertThat(uploadRaw("alpha", "no-such-model", Buffer.buffer(onnx)).statusCode()).isEqualTo(404);
    assertThat(uploadRaw("no-such-tenant", "mlp", Buffer.buffer(onnx)).statusCode()).isEqualTo(404);
    assertThat(uploadRaw("beta", "mlp", Buffer.buffer(onnx)).statusCode()).isEqualTo(404);
    assertThat(cp.count("model_versions")).isEqualTo(versions);
    assertThat(cp.auditCount()).isEqualTo(audit);
    try (var files = java.nio.file.Files.list(cp.dataDir.resolve("blobs/tmp"))) {
      assertThat(files.count()).as("temporary upload files are cleaned up").isZero();
    }

    JsonObject listed = cp.get(admin, "/api/v1/tenants/alpha/models/mlp/versions?limit=1");
    assertThat(listed.getJsonArray("items")).hasSize(1);
    assertThat(listed.getString("nextAfterVersion")).isEqualTo("1");
    assertThat(cp.get(admin, "/api/v1/tenants/alpha/models/mlp/versions/2").getInteger("version")).isEqualTo(2);
  }

  @Test
  @DisplayName("a deployment is placed on an enrolled agent, which fetches the verified artifact and reports READY")
  void deploymentAndAgentLoop() throws Exception {
    cp.post(admin, "/api/v1/tenants/beta/models", new JsonObject().put("name", "iris"));
    byte[] onnx = OnnxModels.mlp(4, 5, 3, 7);
    cp.upload(admin, "beta", "iris", onnx);
    JsonObject dep = cp.post(admin, "/api/v1/tenants/beta/deployments",
        new JsonObject().put("model", "iris").put("replicas", 1));
    assertThat(dep.getString("state")).isEqualTo("PROGRESSING");
    String depPath = "/api/v1/tenants/beta/deployments/" + dep.getString("id");
    awaitCondition(() -> {
      JsonArray status = cp.get(admin, depPath).getJsonArray("replicaStatus");
      return !status.isEmpty() && "no live agent available".equals(status.getJsonObject(0).getString("reason"));
    });

    HttpResponse<Buffer> conflict = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/beta/deployments")
        .bearerTokenAuthentication(admin).sendJsonObject(new JsonObject().put("model", "iris")).await();
    assertThat(conflict.statusCode()).isEqualTo(409);
    HttpResponse<Buffer> unknown = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/beta/deployments")
        .bearerTokenAuthentication(admin).sendJsonObject(new JsonObject().put("model", "nope")).await();
    assertThat(unknown.statusCode()).isEqualTo(404);

    // enrollment
    HttpResponse<Buffer> badEnroll = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll")
        .sendJsonObject(new JsonObject().put("token", "mmet_wrong").put("name", "node-1")
            .put("servingUrl", "http://127.0.0.1:1")).await();
    assertThat(badEnroll.statusCode()).isEqualTo(401);
    String token = cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject().put("name", "test"))
        .getString("token");
    JsonObject enrolled = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll")
        .sendJsonObject(new JsonObject().put("token", token).put("name", "node-1")
            .put("servingUrl", "http://127.0.0.1:1")).await().bodyAsJsonObject();
    String credential = enrolled.getString("credential");
    assertThat(credential).startsWith("mmag_");
    assertThat(enrolled.getString("servingKey")).isNotBlank();

    // heartbeats until the scheduler has placed the replica
    JsonObject[] desired = new JsonObject[1];
    awaitCondition(() -> {
      desired[0] = heartbeat(credential, new JsonArray());
      return !desired[0].getJsonArray("replicas").isEmpty();
    });
    JsonObject replica = desired[0].getJsonArray("replicas").getJsonObject(0);
    assertThat(cp.get(admin, "/api/v1/audit-events?action=replica.place&limit=5").getJsonArray("items"))
        .as("placements are audited").isNotEmpty();
    assertThat(replica.getString("modelName")).isEqualTo("iris");
    assertThat(desired[0].getLong("generation")).isGreaterThan(1);

    HttpResponse<Buffer> artifact = cp.client.getAbs(cp.agentApiUrl() + replica.getString("artifactUrl"))
        .bearerTokenAuthentication(credential).send().await();
    assertThat(artifact.statusCode()).isEqualTo(200);
    assertThat(artifact.body().getBytes()).isEqualTo(onnx);
    HttpResponse<Buffer> notAssigned = cp.client.getAbs(cp.agentApiUrl() + "/agent/v1/artifacts/" + "ab".repeat(32))
        .bearerTokenAuthentication(credential).send().await();
    assertThat(notAssigned.statusCode()).isEqualTo(403);
    assertThat(cp.client.getAbs(cp.agentApiUrl() + replica.getString("artifactUrl")).send().await().statusCode())
        .isEqualTo(401);

    heartbeat(credential, new JsonArray().add(new JsonObject().put("replicaId", replica.getString("replicaId"))
        .put("state", "READY").put("memoryBytes", 1234)));
    JsonObject ready = cp.get(admin, depPath);
    assertThat(ready.getString("state")).isEqualTo("READY");
    assertThat(ready.getJsonArray("replicaStatus").getJsonObject(0).getJsonObject("agent").getString("name"))
        .isEqualTo("node-1");

    JsonArray agents = cp.get(admin, "/api/v1/agents").getJsonArray("items");
    assertThat(agents).hasSize(1);
    assertThat(agents.getJsonObject(0).getString("state")).isEqualTo("READY");
    JsonObject placed = agents.getJsonObject(0).getJsonArray("replicas").getJsonObject(0);
    assertThat(placed.getString("model")).isEqualTo("iris");
    assertThat(placed.getString("tenant")).isEqualTo("beta");
    assertThat(agents.getJsonObject(0).getLong("memoryUsedBytes")).isEqualTo(1234L);
  }

  private JsonObject heartbeat(String credential, JsonArray replicas) {
    HttpResponse<Buffer> r = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/heartbeat")
        .bearerTokenAuthentication(credential)
        .sendJsonObject(new JsonObject().put("generation", 0).put("executionProvider", "CPU")
            .put("capabilities", new JsonObject().put("cpus", 2)).put("replicas", replicas)).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met within 15 s");
      }
      Thread.sleep(50);
    }
  }
}
