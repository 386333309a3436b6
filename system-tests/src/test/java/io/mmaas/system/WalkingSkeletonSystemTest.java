package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end on real processes: the control plane and a runtime agent started from their
 * packaged jars, a real PostgreSQL database, a generated ONNX model loaded by ONNX Runtime, and inference called
 * through the gateway with a tenant API key over real HTTP.
 */
@DisplayName("System: upload an ONNX model, deploy it on an agent process, infer through the gateway")
class WalkingSkeletonSystemTest {
  static final OnnxModels.Mlp WEIGHTS = OnnxModels.mlpWeights(4, 8, 3, 1234);
  static final long GATEWAY_TIMEOUT_MS = 3_000;

  static SystemFixture sys;
  static WebClient http;
  static String adminUrl;
  static String gatewayUrl;
  static String admin;
  static String keyA;
  static String keyB;

  @BeforeAll
  static void startSystem() throws Exception {
    // three gateway event loops whatever the machine's core count, so the test below exercises more than one
    // a short agent timeout for stalledAgent (the default is 30 s)
    sys = SystemFixture.start("skeleton", Map.of("MMAAS_GATEWAY_EVENT_LOOPS", "3",
        "MMAAS_GATEWAY_TIMEOUT_MS", Long.toString(GATEWAY_TIMEOUT_MS)));
    http = sys.http;
    adminUrl = sys.adminUrl;
    gatewayUrl = sys.gatewayUrl;
    admin = sys.admin;
    post("/api/v1/tenants", new JsonObject().put("name", "tenant-a"));
    post("/api/v1/tenants", new JsonObject().put("name", "tenant-b"));
    keyA = post("/api/v1/tenants/tenant-a/api-keys", new JsonObject().put("name", "app")).getString("key");
    keyB = post("/api/v1/tenants/tenant-b/api-keys", new JsonObject().put("name", "app")).getString("key");
    post("/api/v1/tenants/tenant-a/models", new JsonObject().put("name", "scorer"));
    post("/api/v1/tenants/tenant-b/models", new JsonObject().put("name", "other"));
    sys.upload("tenant-a", "scorer", OnnxModels.mlp(4, 8, 3, 1234));
    post("/api/v1/tenants/tenant-a/deployments", new JsonObject().put("model", "scorer").put("replicas", 1));
    // one inference thread, so abandonedRequestIsNotRun can keep it busy with a single long request
    sys.startAgent("system-agent-1", Map.of("MMAAS_AGENT_INFER_THREADS", "1"));
    awaitCondition("model ready through the gateway", () -> http.getAbs(gatewayUrl + "/v2/models/scorer/ready")
        .bearerTokenAuthentication(keyA).send().await().statusCode() == 200, Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopSystem() throws Exception {
    if (sys != null) {
      sys.close();
    }
  }

  static JsonObject post(String path, JsonObject body) {
    return sys.post(path, body);
  }

  static HttpResponse<Buffer> infer(String key, String model, JsonObject body) {
    return sys.infer(key, model, body);
  }

  static JsonObject request(float[][] rows) {
    JsonArray data = new JsonArray();
    for (float[] row : rows) {
      for (float v : row) {
        data.add(v);
      }
    }
    return new JsonObject().put("id", "req-1").put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "input").put("datatype", "FP32").put("shape", new JsonArray().add(rows.length).add(4))
        .put("data", data)));
  }

  @Test
  @DisplayName("inference through the gateway returns what the MLP computes, under the tenant's model name")
  void inferenceMatchesTheModel() {
    float[][] rows = {{5.1f, 3.5f, 1.4f, 0.2f}, {-1f, 0.5f, 2f, -3f}};
    HttpResponse<Buffer> r = infer(keyA, "scorer", request(rows));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("model_name")).isEqualTo("scorer");
    assertThat(body.getString("model_version")).isEqualTo("1");
    assertThat(body.getString("id")).isEqualTo("req-1");
    JsonObject out = body.getJsonArray("outputs").getJsonObject(0);
    assertThat(out.getString("name")).isEqualTo("output");
    assertThat(out.getString("datatype")).isEqualTo("FP32");
    assertThat(out.getJsonArray("shape").encode()).isEqualTo("[2,3]");
    JsonArray data = out.getJsonArray("data");
    for (int i = 0; i < rows.length; i++) {
      float[] expected = WEIGHTS.forward(rows[i]);
      for (int j = 0; j < 3; j++) {
        assertThat(data.getNumber(i * 3 + j).floatValue()).isCloseTo(expected[j],
            org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  @Test
  @DisplayName("every gateway event loop serves: requests on a dozen fresh connections all get the model's numbers")
  void everyGatewayEventLoopServes() {
    float[][] rows = {{0.5f, -1.5f, 2.5f, 1f}};
    float[] expected = WEIGHTS.forward(rows[0]);
    // a new connection per request: the control plane hands accepted connections to its gateway servers in turn
    WebClient fresh = WebClient.create(sys.vertx, new io.vertx.ext.web.client.WebClientOptions().setKeepAlive(false));
    try {
      for (int i = 0; i < 12; i++) {
        HttpResponse<Buffer> r = fresh.postAbs(gatewayUrl + "/v2/models/scorer/infer").bearerTokenAuthentication(keyA)
            .sendJsonObject(request(rows)).await();
        assertThat(r.statusCode()).as("request %d: %s", i, r.bodyAsString()).isEqualTo(200);
        JsonArray data = r.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
        for (int j = 0; j < 3; j++) {
          assertThat(data.getNumber(j).floatValue()).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    } finally {
      fresh.close();
    }
  }

  @Test
  @DisplayName("the binary tensor extension passes through the gateway unchanged, both ways")
  void binaryTensorsThroughTheGateway() {
    float[][] rows = {{0.5f, -1f, 2f, 3f}, {4f, 5f, -6f, 0.25f}};
    java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float[] row : rows) {
      for (float v : row) {
        raw.putFloat(v);
      }
    }
    String header = new JsonObject()
        .put("inputs", new JsonArray().add(new JsonObject().put("name", "input").put("datatype", "FP32")
            .put("shape", new JsonArray().add(2).add(4)).put("parameters", new JsonObject().put("binary_data_size", 32))))
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "output")
            .put("parameters", new JsonObject().put("binary_data", true)))).encode();
    Buffer body = Buffer.buffer(header).appendBytes(raw.array());
    HttpResponse<Buffer> r = http.postAbs(gatewayUrl + "/v2/models/scorer/infer").bearerTokenAuthentication(keyA)
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Inference-Header-Content-Length", Integer.toString(header.length()))
        .sendBuffer(body).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    int headerLength = Integer.parseInt(r.getHeader("Inference-Header-Content-Length"));
    JsonObject answer = new JsonObject(r.body().getString(0, headerLength));
    assertThat(answer.getString("model_name")).isEqualTo("scorer");
    JsonObject out = answer.getJsonArray("outputs").getJsonObject(0);
    assertThat(out.getJsonObject("parameters").getInteger("binary_data_size")).isEqualTo(24);
    java.nio.ByteBuffer floats = java.nio.ByteBuffer.wrap(r.body().getBytes(headerLength, headerLength + 24))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float[] row : rows) {
      float[] expected = WEIGHTS.forward(row);
      for (float e : expected) {
        assertThat(floats.getFloat()).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  @Test
  @DisplayName("model metadata shows the stored signature to the owning tenant only")
  void metadata() {
    HttpResponse<Buffer> r = http.getAbs(gatewayUrl + "/v2/models/scorer").bearerTokenAuthentication(keyA).send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject input = r.bodyAsJsonObject().getJsonArray("inputs").getJsonObject(0);
    assertThat(input.getString("name")).isEqualTo("input");
    assertThat(input.getJsonArray("shape").encode()).isEqualTo("[-1,4]");
    assertThat(http.getAbs(gatewayUrl + "/v2/models/scorer").bearerTokenAuthentication(keyB).send().await()
        .statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("missing, malformed and mistyped keys get 401; another tenant's model name is 404")
  void keysAndIsolation() {
    JsonObject req = request(new float[][] {{1, 2, 3, 4}});
    assertThat(infer(null, "scorer", req).statusCode()).isEqualTo(401);
    assertThat(infer("not-a-key", "scorer", req).statusCode()).isEqualTo(401);
    String mistyped = keyA.substring(0, 30) + (keyA.charAt(30) == 'a' ? 'b' : 'a') + keyA.substring(31);
    assertThat(infer(mistyped, "scorer", req).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> other = infer(keyB, "scorer", req);
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.bodyAsJsonObject().getString("error")).contains("not found");
    assertThat(infer(keyA, "other", req).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a revoked key stops working within a second or two")
  void revokedKey() throws Exception {
    JsonObject created = post("/api/v1/tenants/tenant-a/api-keys", new JsonObject().put("name", "short-lived"));
    String key = created.getString("key");
    JsonObject req = request(new float[][] {{1, 2, 3, 4}});
    assertThat(infer(key, "scorer", req).statusCode()).isEqualTo(200);
    Instant revokedAt = Instant.now();
    assertThat(http.deleteAbs(adminUrl + "/api/v1/tenants/tenant-a/api-keys/" + created.getString("id"))
        .bearerTokenAuthentication(admin).send().await().statusCode()).isEqualTo(200);
    awaitCondition("revoked key refused", () -> infer(key, "scorer", req).statusCode() == 401, Duration.ofSeconds(3));
    assertThat(Duration.between(revokedAt, Instant.now())).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  @DisplayName("an agent that stops answering: 504 after the gateway's timeout, the concurrency slot freed, then served again")
  void stalledAgent() throws Exception {
    String key = post("/api/v1/tenants/tenant-a/api-keys", new JsonObject().put("name", "one at a time")
        .put("limits", new JsonObject().put("concurrentRequests", 1))).getString("key");
    JsonObject req = request(new float[][] {{1, 2, 3, 4}});
    // Metadata is answered by the gateway itself, after admission: 200 when the slot is free, 429 when it is held.
    // A probe takes the slot for a moment too, so probes are sent only while no other request of this key is on its
    // way in (a probe racing the request under test could get it a 429); until it is admitted, the test watches the
    // gateway's in-flight gauge instead.
    Supplier<Integer> probe = () -> http.getAbs(gatewayUrl + "/v2/models/scorer").bearerTokenAuthentication(key)
        .send().await().statusCode();
    assertThat(infer(key, "scorer", req).statusCode()).isEqualTo(200);
    double timeoutsBefore = metric("mmaas_gateway_agent_errors_total{kind=\"timeout\"}");
    assertThat(metric("mmaas_gateway_upstream_duration_seconds_count")).isPositive();
    JavaProcess agent = sys.agents.get(0);
    agent.suspend();
    try {
      long sent = System.nanoTime();
      var stalled = http.postAbs(gatewayUrl + "/v2/models/scorer/infer").bearerTokenAuthentication(key)
          .sendJsonObject(req);
      awaitCondition("the stalled request admitted", () -> metric("mmaas_gateway_in_flight") == 1,
          Duration.ofSeconds(5));
      assertThat(probe.get()).as("the stalled request holds the key's only slot").isEqualTo(429);
      HttpResponse<Buffer> r = stalled.await();
      long waitedMs = (System.nanoTime() - sent) / 1_000_000;
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(504);
      assertThat(r.bodyAsJsonObject().getString("error")).contains("did not answer within " + GATEWAY_TIMEOUT_MS);
      assertThat(waitedMs).isBetween(GATEWAY_TIMEOUT_MS - 100, GATEWAY_TIMEOUT_MS + 5_000);
      // answered, so released: the key may send again while the agent is still stopped. (Awaited, not asserted at
      // once: the gateway writes the answer before its end handlers free the slot, and on a busy host the probe can
      // reach the other event loop in between.)
      awaitCondition("the slot freed after the 504", () -> probe.get() == 200, Duration.ofSeconds(2));
      assertThat(metric("mmaas_gateway_agent_errors_total{kind=\"timeout\"}")).isEqualTo(timeoutsBefore + 1);

      // a caller that leaves while its request is at the (still stopped) agent: the gateway cancels the call
      double cancelledBefore = metric("mmaas_gateway_cancelled_total");
      java.net.URI gateway = java.net.URI.create(gatewayUrl);
      String body = req.encode();
      try (java.net.Socket caller = new java.net.Socket(gateway.getHost(), gateway.getPort())) {
        caller.getOutputStream().write(("POST /v2/models/scorer/infer HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer "
            + key + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        caller.getOutputStream().flush();
        awaitCondition("the request admitted", () -> metric("mmaas_gateway_in_flight") == 1, Duration.ofSeconds(5));
        assertThat(probe.get()).as("the request holds the key's only slot").isEqualTo(429);
      }
      awaitCondition("the call cancelled", () -> metric("mmaas_gateway_cancelled_total") == cancelledBefore + 1,
          Duration.ofSeconds(2));
      // the cancellation is counted just before the slot is freed (Vert.x Web runs end handlers newest first)
      awaitCondition("the slot freed after the caller left", () -> probe.get() == 200, Duration.ofSeconds(2));
    } finally {
      agent.resume();
    }
    awaitCondition("the agent answers again", () -> infer(key, "scorer", req).statusCode() == 200,
        Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("a caller that leaves while its request waits at the agent: the gateway cancels the call and the agent "
      + "drops it unrun")
  void abandonedRequestIsNotRun() throws Exception {
    post("/api/v1/tenants/tenant-b/models", new JsonObject().put("name", "slow"));
    sys.upload("tenant-b", "slow", OnnxModels.chain(256, 200, 7));
    post("/api/v1/tenants/tenant-b/deployments", new JsonObject().put("model", "slow").put("replicas", 1));
    awaitCondition("the slow model ready", () -> http.getAbs(gatewayUrl + "/v2/models/slow/ready")
        .bearerTokenAuthentication(keyB).send().await().statusCode() == 200, Duration.ofSeconds(60));
    JsonObject agentRow = http.getAbs(adminUrl + "/api/v1/agents").bearerTokenAuthentication(admin).send().await()
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    String agentUrl = agentRow.getString("servingUrl");
    String replica = http.getAbs(adminUrl + "/api/v1/tenants/tenant-b/deployments").bearerTokenAuthentication(admin)
        .send().await().bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getJsonArray("replicaStatus")
        .getJsonObject(0).getString("id");
    // the replica is served by its model host (the agent's own URL serves the node's merged metrics)
    String hostUrl = agentRow.getJsonArray("replicas").stream().map(JsonObject.class::cast)
        .filter(r -> replica.equals(r.getString("id"))).findFirst().orElseThrow().getString("servingUrl");
    // The long request goes to the agent directly (with its serving key), so it may outlast the gateway's timeout:
    // rows for a run of about 4 s on this host, measured, leave the rest of the test seconds of margin even on a
    // loaded machine.
    String servingKey = new io.mmaas.controlplane.agents.AgentSecrets(SystemFixture.SERVING_SECRET
        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .servingKey(java.util.UUID.fromString(agentRow.getString("id")));
    java.util.function.IntFunction<io.vertx.core.Future<HttpResponse<Buffer>>> direct = rows ->
        http.postAbs(hostUrl + "/v2/models/" + replica + "/infer").bearerTokenAuthentication(servingKey)
            .sendJsonObject(SystemFixture.chainZeros(rows));
    assertThat(direct.apply(16).await().statusCode()).isEqualTo(200);
    long t0 = System.nanoTime();
    assertThat(direct.apply(64).await().statusCode()).isEqualTo(200);
    double msPerRow = (System.nanoTime() - t0) / 1e6 / 64;
    int rows = (int) Math.max(64, Math.min(8192, 4_000 / msPerRow));
    double ran = sys.metric(agentUrl, "mmaas_agent_requests_total{model=\"slow\",version=\"1\",code=\"200\"}", null);
    double dropped = sys.metric(agentUrl, "mmaas_agent_requests_total{model=\"slow\",version=\"1\",code=\"499\"}", 0.0);
    double cancelledBefore = metric("mmaas_gateway_cancelled_total");
    double unreachableBefore = metric("mmaas_gateway_agent_errors_total{kind=\"unreachable\"}");

    var busy = direct.apply(rows);
    awaitCondition("the long request at the agent's only inference thread",
        () -> sys.metric(agentUrl, "mmaas_agent_pending_requests", null) == 1, Duration.ofSeconds(5));
    java.net.URI gateway = java.net.URI.create(gatewayUrl);
    String body = SystemFixture.chainZeros(1).encode();
    try (java.net.Socket caller = new java.net.Socket(gateway.getHost(), gateway.getPort())) {
      caller.getOutputStream().write(("POST /v2/models/slow/infer HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer "
          + keyB + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      caller.getOutputStream().flush();
      awaitCondition("the second request, through the gateway, queued behind it at the agent",
          () -> sys.metric(agentUrl, "mmaas_agent_pending_requests", null) == 2, Duration.ofSeconds(5));
    }
    awaitCondition("the call cancelled", () -> metric("mmaas_gateway_cancelled_total") == cancelledBefore + 1,
        Duration.ofSeconds(5));
    HttpResponse<Buffer> first = busy.await();
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    awaitCondition("the abandoned request dropped at the agent (499), never run",
        () -> sys.metric(agentUrl, "mmaas_agent_requests_total{model=\"slow\",version=\"1\",code=\"499\"}", 0.0)
            == dropped + 1, Duration.ofSeconds(10));
    assertThat(sys.metric(agentUrl, "mmaas_agent_requests_total{model=\"slow\",version=\"1\",code=\"200\"}", null))
        .as("only the long request ran").isEqualTo(ran + 1);
    assertThat(sys.metric(agentUrl, "mmaas_agent_pending_requests", null)).isZero();
    // a cancelled call is not an unreachable agent, and is not tried on another replica
    assertThat(metric("mmaas_gateway_agent_errors_total{kind=\"unreachable\"}")).isEqualTo(unreachableBefore);
  }

  static double metric(String series) {
    return sys.gatewayMetric(series);
  }

  @Test
  @DisplayName("malformed tensors get a clear 400 from the agent and do not disturb later requests")
  void badTensors() {
    JsonObject wrongShape = request(new float[][] {{1, 2, 3, 4}});
    wrongShape.getJsonArray("inputs").getJsonObject(0).put("shape", new JsonArray().add(1).add(5));
    JsonObject wrongName = request(new float[][] {{1, 2, 3, 4}});
    wrongName.getJsonArray("inputs").getJsonObject(0).put("name", "nope");
    JsonObject notNumbers = request(new float[][] {{1, 2, 3, 4}});
    notNumbers.getJsonArray("inputs").getJsonObject(0).put("data", new JsonArray().add("a").add("b").add("c").add("d"));
    for (JsonObject bad : new JsonObject[] {wrongShape, wrongName, notNumbers, new JsonObject().put("inputs", 5)}) {
      HttpResponse<Buffer> r = infer(keyA, "scorer", bad);
      assertThat(r.statusCode()).as(bad.encode() + " -> " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).isNotBlank();
    }
    HttpResponse<Buffer> notJson = http.postAbs(gatewayUrl + "/v2/models/scorer/infer").bearerTokenAuthentication(keyA)
        .sendBuffer(Buffer.buffer("{\"inputs\": [")).await();
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(infer(keyA, "scorer", request(new float[][] {{1, 2, 3, 4}})).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("the agent serves only callers presenting its serving key")
  void agentRequiresItsKey() {
    JsonArray agents = http.getAbs(adminUrl + "/api/v1/agents").bearerTokenAuthentication(admin).send().await()
        .bodyAsJsonObject().getJsonArray("items");
    assertThat(agents).hasSize(1);
    JsonObject a = agents.getJsonObject(0);
    assertThat(a.getString("executionProvider")).isIn("CPU", "CUDA");
    String agentUrl = a.getString("servingUrl");
    assertThat(http.getAbs(agentUrl + "/v2/health/live").send().await().statusCode()).isEqualTo(200);
    JsonObject deployments = http.getAbs(adminUrl + "/api/v1/tenants/tenant-a/deployments")
        .bearerTokenAuthentication(admin).send().await().bodyAsJsonObject();
    String replicaId = deployments.getJsonArray("items").getJsonObject(0).getJsonArray("replicaStatus")
        .getJsonObject(0).getString("id");
    // the replica is served by its model host, which requires the agent's serving key as the agent did
    String hostUrl = a.getJsonArray("replicas").stream().map(JsonObject.class::cast)
        .filter(r -> replicaId.equals(r.getString("id"))).findFirst().orElseThrow().getString("servingUrl");
    assertThat(hostUrl).isNotEqualTo(agentUrl);
    HttpResponse<Buffer> direct = http.postAbs(hostUrl + "/v2/models/" + replicaId + "/infer")
        .sendJsonObject(request(new float[][] {{1, 2, 3, 4}})).await();
    assertThat(direct.statusCode()).isEqualTo(401);
    HttpResponse<Buffer> withTenantKey = http.postAbs(hostUrl + "/v2/models/" + replicaId + "/infer")
        .bearerTokenAuthentication(keyA).sendJsonObject(request(new float[][] {{1, 2, 3, 4}})).await();
    assertThat(withTenantKey.statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("every change made while setting up is in the audit log, and the chain verifies")
  void audited() {
    JsonObject page = http.getAbs(adminUrl + "/api/v1/audit-events?limit=200").bearerTokenAuthentication(admin)
        .send().await().bodyAsJsonObject();
    java.util.Set<String> actions = new java.util.HashSet<>();
    page.getJsonArray("items").forEach(e -> actions.add(((JsonObject) e).getString("action")));
    assertThat(actions).contains("auth.login", "tenant.create", "api_key.create", "model.create",
        "model_version.create", "deployment.create", "enrollment_token.create", "agent.enroll");
    JsonObject verify = http.getAbs(adminUrl + "/api/v1/audit-events/verify").bearerTokenAuthentication(admin)
        .send().await().bodyAsJsonObject();
    assertThat(verify.getBoolean("valid")).isTrue();
  }

  static byte[] zip(java.util.Map<String, byte[]> entries) throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
      for (var e : entries.entrySet()) {
        out.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  @DisplayName("a model with external data, uploaded as an archive, is deployed and computes with its weights")
  void externalDataArchive() throws Exception {
    post("/api/v1/tenants/tenant-a/models", new JsonObject().put("name", "with-weights"));
    byte[] weight = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).array();
    java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    entries.put("model.onnx", OnnxModels.withExternalData("weights/w.bin"));
    entries.put("weights/w.bin", weight);
    JsonObject version = sys.upload("tenant-a", "with-weights", zip(entries));
    assertThat(version.getString("format")).isEqualTo("onnx-archive");

    HttpResponse<Buffer> slip = http.postAbs(adminUrl + "/api/v1/tenants/tenant-a/models/with-weights/versions")
        .bearerTokenAuthentication(admin).putHeader("Content-Type", "application/zip")
        .sendBuffer(Buffer.buffer(zip(java.util.Map.of("../../evil.onnx", OnnxModels.mlp(2, 2, 2, 1))))).await();
    assertThat(slip.statusCode()).isEqualTo(400);
    assertThat(slip.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("not allowed");

    post("/api/v1/tenants/tenant-a/deployments", new JsonObject().put("model", "with-weights").put("version", 1));
    awaitCondition("archive model ready", () -> http.getAbs(gatewayUrl + "/v2/models/with-weights/ready")
        .bearerTokenAuthentication(keyA).send().await().statusCode() == 200, Duration.ofSeconds(60));
    HttpResponse<Buffer> r = infer(keyA, "with-weights", new JsonObject().put("inputs", new JsonArray().add(
        new JsonObject().put("name", "x").put("datatype", "FP32").put("shape", new JsonArray().add(1))
            .put("data", new JsonArray().add(1.5)))));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data").getDouble(0))
        .isEqualTo(4.0);
  }

  static void awaitCondition(String what, Supplier<Boolean> condition, Duration timeout) throws Exception {
    sys.await(what, condition, timeout);
  }
}
