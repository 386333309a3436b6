package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.TestDatabase;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A ~200 MB model moves through two control-plane processes that each have a 128 MiB heap: uploaded through one
 * (admin), downloaded by an agent from the other (agent API only), through the default PostgreSQL blob store. Neither
 * could hold the model in memory, so it passes only if both ends stream.
 */
@DisplayName("A 200 MB model uploaded through one 128 MiB control plane is downloaded through another")
class LargeArtifactSystemTest {
  private static final Path LOGS = JavaProcess.repoRoot().resolve("system-tests/target/process-logs");

  @Test
  @DisplayName("upload through replica A, agent download through replica B, both with -Xmx128m: the same 200 MB")
  void bigModelThroughSmallHeaps() throws Exception {
    Path model = Files.createTempFile("mmaas-big-", ".onnx");
    // 8192 x 6100 float weights: 200 MB of initializers (a real, valid ONNX model the upload validates)
    Files.write(model, OnnxModels.mlp(8192, 6100, 2, 11));
    String sha = sha256(Files.newInputStream(model));
    long size = Files.size(model);
    assertThat(size).isGreaterThan(195_000_000L);

    try (TestDatabase db = TestDatabase.create()) {
      Map<String, String> env = SystemFixture.controlPlaneEnv(db, Files.createTempDirectory("mmaas-big-a-"));
      env.put("MMAAS_ROLES", "admin,scheduler");
      Map<String, String> bEnv = new HashMap<>(env);
      bEnv.put("MMAAS_ROLES", "agent-api");
      bEnv.put("MMAAS_MIGRATE", "false");
      bEnv.put("MMAAS_DATA_DIR", Files.createTempDirectory("mmaas-big-b-").toString());
      try (JavaProcess a = JavaProcess.start("big-artifact-a", "control-plane", "128m", LOGS, env)) {
        Matcher readyA = SystemFixture.ready(a);
        try (JavaProcess b = JavaProcess.start("big-artifact-b", "control-plane", "128m", LOGS, bEnv)) {
          Matcher readyB = SystemFixture.ready(b);
          String adminUrl = readyA.group(1);
          String agentApi = readyB.group(3);
          HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          String admin = json(http, "POST", adminUrl + "/api/v1/auth/login", null, new JsonObject()
              .put("username", "admin").put("password", SystemFixture.ADMIN_PASSWORD)).getString("token");
          json(http, "POST", adminUrl + "/api/v1/tenants", admin, new JsonObject().put("name", "acme"));
          json(http, "PUT", adminUrl + "/api/v1/tenants/acme/quota", admin,
              new JsonObject().put("maxStorageBytes", 1L << 32));
          json(http, "POST", adminUrl + "/api/v1/tenants/acme/models", admin, new JsonObject().put("name", "big"));

          HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(
                  URI.create(adminUrl + "/api/v1/tenants/acme/models/big/versions"))
              .header("Authorization", "Bearer " + admin).header("Content-Type", "application/octet-stream")
              .POST(HttpRequest.BodyPublishers.ofFile(model)).timeout(Duration.ofMinutes(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
          assertThat(new JsonObject(uploaded.body()).getString("sha256")).isEqualTo(sha);

          String token = json(http, "POST", adminUrl + "/api/v1/agents/enrollment-tokens", admin, new JsonObject())
              .getString("token");
          String credential = json(http, "POST", agentApi + "/agent/v1/enroll", null, new JsonObject()
              .put("token", token).put("name", "node").put("servingUrl", "http://127.0.0.1:1")).getString("credential");
          json(http, "POST", adminUrl + "/api/v1/tenants/acme/deployments", admin,
              new JsonObject().put("model", "big").put("replicas", 1));
          Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
          while (json(http, "POST", agentApi + "/agent/v1/heartbeat", credential, new JsonObject()
              .put("generation", 0).put("replicas", new JsonArray())).getJsonArray("replicas").isEmpty()) {
            assertThat(Instant.now()).as("a replica placed on the agent").isBefore(deadline);
            Thread.sleep(200);
          }

          HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(
                  URI.create(agentApi + "/agent/v1/artifacts/" + sha))
              .header("Authorization", "Bearer " + credential).timeout(Duration.ofMinutes(5)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
          assertThat(download.statusCode()).isEqualTo(200);
          assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(size);
          assertThat(sha256(download.body())).as("the downloaded bytes").isEqualTo(sha);
          assertThat(a.countLines("OutOfMemoryError") + b.countLines("OutOfMemoryError")).isZero();
        }
      }
    } finally {
      Files.deleteIfExists(model);
    }
  }

  private static JsonObject json(HttpClient http, String method, String url, String bearer, JsonObject body)
      throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).timeout(Duration.ofSeconds(30));
    if (bearer != null) {
      req.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isBetween(200, 299);
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  private static String sha256(InputStream raw) throws Exception {
    try (InputStream in = new DigestInputStream(raw, MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    }
  }
}
