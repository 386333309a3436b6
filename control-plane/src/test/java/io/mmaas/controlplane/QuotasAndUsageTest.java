package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Quotas: limits set by platform admins, resource ceilings that hold under concurrency, gateway limits, usage")
class QuotasAndUsageTest {
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start(Map.of("MMAAS_USAGE_FLUSH_MS", "200"));
    admin = cp.adminToken();
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  static HttpResponse<Buffer> put(String token, String path, JsonObject body) {
    return cp.client.putAbs(cp.adminUrl() + path).bearerTokenAuthentication(token).sendJsonObject(body).await();
  }

  static List<Integer> concurrently(int n, java.util.function.IntFunction<Future<HttpResponse<Buffer>>> call) {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(call.apply(i));
    }
    Future.join(all).await();
    List<Integer> statuses = new ArrayList<>();
    all.forEach(f -> statuses.add(f.result().statusCode()));
    return statuses;
  }

  @Test
  @DisplayName("platform admins change limits (audited); a tenant admin reads them but cannot raise them")
  void quotaApi() {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "q-one"));
    cp.post(admin, "/api/v1/tenants/q-one/users", new JsonObject().put("username", "q-one-admin")
        .put("role", "tenant_admin").put("password", "q-one-admin-password"));
    String tenantAdmin = cp.login("q-one-admin@q-one", "q-one-admin-password");
    JsonObject q = cp.get(tenantAdmin, "/api/v1/tenants/q-one/quota");
    assertThat(q.getJsonObject("limits").getInteger("requestsPerSecond")).isEqualTo(100);
    assertThat(q.getJsonObject("usage").getLong("models")).isZero();
    assertThat(put(tenantAdmin, "/api/v1/tenants/q-one/quota", new JsonObject().put("maxModels", 1000)).statusCode())
        .isEqualTo(403);
    assertThat(put(admin, "/api/v1/tenants/q-one/quota", new JsonObject().put("maxModels", -1)).statusCode())
        .isEqualTo(400);
    assertThat(put(admin, "/api/v1/tenants/q-one/quota", new JsonObject().put("tenantId", "x")).statusCode())
        .isEqualTo(400);
    // the change's own event: the 403 above is summarised as a denial and may be flushed at any moment
    long audit = cp.auditCount("quota.update");
    HttpResponse<Buffer> ok = put(admin, "/api/v1/tenants/q-one/quota", new JsonObject().put("maxModels", 7));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getInteger("maxModels")).isEqualTo(7);
    assertThat(ok.bodyAsJsonObject().getInteger("requestsPerSecond")).isEqualTo(100);
    assertThat(cp.auditCount("quota.update")).isEqualTo(audit + 1);
    assertThat(cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/q-one/api-keys").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "too fast")
            .put("limits", new JsonObject().put("requestsPerSecond", 1000))).await().statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("50 concurrent model creations, uploads and deployments against limits of 10: exactly 10 succeed")
  void resourceLimitsHoldUnderConcurrency() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "q-two"));
    byte[] onnx = OnnxModels.mlp(3, 3, 2, 5);
    assertThat(put(admin, "/api/v1/tenants/q-two/quota", new JsonObject().put("maxModels", 10)
        .put("maxStorageBytes", 10L * onnx.length).put("maxReplicas", 10)).statusCode()).isEqualTo(200);

    List<Integer> models = concurrently(50, i -> cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/q-two/models")
        .bearerTokenAuthentication(admin).sendJsonObject(new JsonObject().put("name", "m" + i)));
    assertThat(models.stream().filter(s -> s == 201).count()).isEqualTo(10);
    assertThat(models.stream().filter(s -> s == 409).count()).isEqualTo(40);

    List<Integer> uploads = concurrently(50, i -> cp.client
        .postAbs(cp.adminUrl() + "/api/v1/tenants/q-two/models/m" + firstCreated(models) + "/versions")
        .bearerTokenAuthentication(admin).putHeader("Content-Type", "application/octet-stream")
        .sendBuffer(Buffer.buffer(onnx)));
    assertThat(uploads.stream().filter(s -> s == 201).count()).isEqualTo(10);
    assertThat(cp.get(admin, "/api/v1/tenants/q-two/quota").getJsonObject("usage").getLong("storageBytes"))
        .isEqualTo(10L * onnx.length);

    // make room for one version per model to deploy: raise storage, then 50 deployments of 1 replica over 10 models
    put(admin, "/api/v1/tenants/q-two/quota", new JsonObject().put("maxStorageBytes", 100L * onnx.length)
        .put("maxReplicas", 3));
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      if (models.get(i) == 201) {
        created.add("m" + i);
      }
    }
    for (String m : created) {
      if (!m.equals("m" + firstCreated(models))) {
        cp.upload(admin, "q-two", m, onnx);
      }
    }
    List<Integer> deploys = concurrently(50, i -> cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/q-two/deployments")
        .bearerTokenAuthentication(admin).sendJsonObject(new JsonObject().put("model", created.get(i % 10))));
    assertThat(deploys.stream().filter(s -> s == 201).count()).isEqualTo(3);
    assertThat(cp.get(admin, "/api/v1/tenants/q-two/quota").getJsonObject("usage").getLong("replicas")).isEqualTo(3);
    RegistryKeysDeploymentsTest.awaitCondition(() -> cp.get(admin, "/api/v1/audit-events?action=quota.denied&limit=5")
        .getJsonArray("items").size() > 0);
  }

  private static int firstCreated(List<Integer> statuses) {
    return statuses.indexOf(201);
  }

  @Test
  @DisplayName("the gateway refuses over the rate, the daily budget and a key's own limit with 429 and Retry-After")
  void gatewayLimitsAndUsage() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "q-three"));
    put(admin, "/api/v1/tenants/q-three/quota", new JsonObject().put("requestsPerSecond", 5).put("burst", 5)
        .put("requestsPerDay", 1_000_000));
    String key = cp.post(admin, "/api/v1/tenants/q-three/api-keys", new JsonObject().put("name", "app")).getString("key");
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(key).send().await());
    }
    long throttled = answers.stream().filter(r -> r.statusCode() == 429).count();
    assertThat(throttled).isBetween(10L, 15L);
    HttpResponse<Buffer> refused = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
    assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isPositive();
    assertThat(refused.getHeader("RateLimit-Limit")).isEqualTo("5");
    assertThat(refused.bodyAsJsonObject().getString("error")).contains("rate limit");

    // a daily budget of 15: exactly 15 requests are admitted that day
    put(admin, "/api/v1/tenants/q-three/quota", new JsonObject().put("requestsPerSecond", 1000).put("burst", 1000)
        .put("requestsPerDay", 15));
    String key2 = cp.post(admin, "/api/v1/tenants/q-three/api-keys", new JsonObject().put("name", "daily")).getString("key");
    long admittedBefore = answers.stream().filter(r -> r.statusCode() != 429).count();
    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      int s = cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(key2).send().await()
          .statusCode();
      if (s != 429) {
        admitted++;
      }
    }
    assertThat(admitted + admittedBefore).isEqualTo(15);

    // usage is metered in batches and readable (JSON and CSV)
    RegistryKeysDeploymentsTest.awaitCondition(() -> {
      JsonObject u = cp.get(admin, "/api/v1/tenants/q-three/usage?by=day");
      return !u.getJsonArray("items").isEmpty() && u.getJsonArray("items").getJsonObject(0).getLong("requests") == 50;
    });
    JsonObject day = cp.get(admin, "/api/v1/tenants/q-three/usage?by=day").getJsonArray("items").getJsonObject(0);
    assertThat(day.getLong("throttled")).isEqualTo(50 - 15);
    assertThat(day.getLong("errorsClient")).isEqualTo(15);
    HttpResponse<Buffer> csv = cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants/q-three/usage?by=day&format=csv")
        .bearerTokenAuthentication(admin).send().await();
    assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
    assertThat(csv.bodyAsString()).startsWith("start,requests,errorsClient,throttled").contains(",50,15,35,");

    // per API key: each application's share, under the key's id, name and prefix
    JsonArray perKey = cp.get(admin, "/api/v1/tenants/q-three/usage?by=day&perKey=true").getJsonArray("items");
    assertThat(perKey).hasSize(2);
    Map<String, JsonObject> byName = new java.util.HashMap<>();
    perKey.forEach(o -> byName.put(((JsonObject) o).getString("keyName"), (JsonObject) o));
    assertThat(byName.get("app").getLong("requests")).isEqualTo(20);
    assertThat(byName.get("daily").getLong("requests")).isEqualTo(30);
    assertThat(byName.get("daily").getLong("throttled")).isEqualTo(30 - (15 - admittedBefore));
    JsonArray keys = cp.get(admin, "/api/v1/tenants/q-three/api-keys").getJsonArray("items");
    JsonObject app = keys.stream().map(JsonObject.class::cast).filter(k -> k.getString("name").equals("app"))
        .findFirst().orElseThrow();
    assertThat(byName.get("app").getString("keyId")).isEqualTo(app.getString("id"));
    assertThat(byName.get("app").getString("keyPrefix")).isEqualTo(app.getString("prefix"));
    String both = cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants/q-three/usage?by=day&perKey=true&perModel=true"
        + "&format=csv").bearerTokenAuthentication(admin).send().await().bodyAsString();
    assertThat(both.lines().findFirst().orElseThrow())
        .isEqualTo("start,model,version,keyId,keyName,keyPrefix,requests,errorsClient,throttled,errorsServer,bytesIn,"
            + "bytesOut,computeMs");
    assertThat(both.lines().count()).isEqualTo(3);
    assertThat(both).contains("," + app.getString("id") + ",app," + app.getString("prefix") + ",20,");
    HttpResponse<Buffer> bad = cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants/q-three/usage?perKey=yes")
        .bearerTokenAuthentication(admin).send().await();
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("perKey");
  }

  @Test
  @DisplayName("a JSON usage answer stops at 10,000 rows and says so; the CSV export streams every row")
  void usageBeyondOnePage() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "q-five"));
    try (var c = cp.db.connect(); var s = c.createStatement()) {
      s.executeUpdate("""
          INSERT INTO usage_minutes (tenant_id, api_key_id, model_id, version_id, minute, requests, bytes_in)
          SELECT t.id, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(),
                 timestamptz '2030-01-01 00:00:00Z' + make_interval(mins => g), 1, g
            FROM tenants t, generate_series(0, 10049) g WHERE t.name = 'q-five'""");
    }
    String range = "from=2030-01-01T00:00:00Z&to=2030-01-09T00:00:00Z&by=minute";
    JsonObject page = cp.get(admin, "/api/v1/tenants/q-five/usage?" + range);
    assertThat(page.getBoolean("truncated")).isTrue();
    assertThat(page.getJsonArray("items")).hasSize(10_000);
    HttpResponse<Buffer> csv = cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants/q-five/usage?" + range + "&format=csv")
        .bearerTokenAuthentication(admin).send().await();
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"usage-q-five.csv\"");
    List<String> lines = csv.bodyAsString().lines().toList();
    assertThat(lines).hasSize(1 + 10_050);
    assertThat(lines.get(1)).isEqualTo("2030-01-01T00:00:00Z,1,0,0,0,0,0,0");
    assertThat(lines.get(10_050)).isEqualTo("2030-01-07T23:29:00Z,1,0,0,0,10049,0,0");
    // the same rows by day: 7 days, nothing truncated
    JsonObject days = cp.get(admin, "/api/v1/tenants/q-five/usage?from=2030-01-01T00:00:00Z&to=2030-01-09T00:00:00Z"
        + "&by=day");
    assertThat(days.getBoolean("truncated")).isFalse();
    assertThat(days.getJsonArray("items")).hasSize(7);
    assertThat(days.getJsonArray("items").stream().mapToLong(o -> ((JsonObject) o).getLong("requests")).sum())
        .isEqualTo(10_050);
  }

  @Test
  @DisplayName("a concurrency slot is held while a request is in the gateway and released when it ends: answered, refused or the client gone")
  void concurrencyReleasedOnEveryOutcome() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "q-six"));
    put(admin, "/api/v1/tenants/q-six/quota", new JsonObject().put("requestsPerSecond", 1000).put("burst", 1000)
        .put("concurrentRequests", 1));
    String key = cp.post(admin, "/api/v1/tenants/q-six/api-keys", new JsonObject().put("name", "one-at-a-time"))
        .getString("key");
    Supplier<HttpResponse<Buffer>> probe = () -> cp.client
        .getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(key).send().await();
    // answered with an error, one after the other: each ends and frees the slot for the next
    for (int i = 0; i < 5; i++) {
      assertThat(probe.get().statusCode()).isEqualTo(404);
    }
    URI gateway = URI.create(cp.gatewayUrl());
    // The slot of the probe before is released when the gateway has written its answer, which the client can read a
    // moment before that: a request sent at once may find the slot still taken and be refused. Such a held request is
    // answered 429 at once; it is then sent again.
    Socket held = null;
    for (int attempt = 0; held == null; attempt++) {
      assertThat(attempt).as("held requests refused before they could take the slot").isLessThan(5);
      Socket s = new Socket(gateway.getHost(), gateway.getPort());
      // admitted, then waiting for a body that does not come: the slot is taken
      s.getOutputStream().write(("POST /v2/models/none/infer HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + key
          + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"inputs\"")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      RegistryKeysDeploymentsTest.awaitCondition(() -> answered(s) || probe.get().statusCode() == 429);
      if (answered(s)) {
        assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).endsWith("429");
        s.close();
      } else {
        held = s;
      }
    }
    try (Socket open = held) {
      HttpResponse<Buffer> refused = probe.get();
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.bodyAsJsonObject().getString("error")).contains("concurrent");
    } // the client goes away mid-request
    RegistryKeysDeploymentsTest.awaitCondition(() -> probe.get().statusCode() == 404);
    for (int i = 0; i < 3; i++) {
      assertThat(probe.get().statusCode()).isEqualTo(404);
    }
  }

  /** Whether the gateway has answered on a raw connection (some bytes are there to read). */
  static boolean answered(Socket s) {
    try {
      return s.getInputStream().available() > 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The gateway's metrics as series (name with labels) → value; every sample line must parse. */
  static Map<String, Double> scrape() {
    HttpResponse<Buffer> r = cp.client.getAbs(cp.agentApiUrl() + "/metrics").send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
    Map<String, Double> series = new java.util.HashMap<>();
    for (String line : r.bodyAsString().split("\n")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      assertThat(line).matches("[a-z_]+(\\{[a-z]+=\"[^\"]*\"\\})? [0-9.E+-]+");
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }

  static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
    return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
  }

  @Test
  @DisplayName("operators scrape the gateway's Prometheus metrics: answers by status, refusals by limit, latency, gauges")
  void gatewayMetrics() {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "q-seven"));
    String key = cp.post(admin, "/api/v1/tenants/q-seven/api-keys", new JsonObject().put("name", "metered")
        .put("limits", new JsonObject().put("requestsPerSecond", 1).put("burst", 3))).getString("key");
    Map<String, Double> before = scrape();
    int notFound = 0;
    int throttled = 0;
    for (int i = 0; i < 8; i++) {
      int status = cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(key).send().await()
          .statusCode();
      if (status == 404) {
        notFound++;
      } else if (status == 429) {
        throttled++;
      }
    }
    assertThat(notFound + throttled).isEqualTo(8);
    assertThat(throttled).isPositive();
    assertThat(cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").send().await().statusCode()).isEqualTo(401);
    assertThat(cp.client.postAbs(cp.gatewayUrl() + "/v2/models/none/infer").bearerTokenAuthentication("not-a-key")
        .sendJsonObject(new JsonObject()).await().statusCode()).isEqualTo(401);
    Map<String, Double> after = scrape();
    assertThat(delta(before, after, "mmaas_gateway_requests_total{code=\"404\"}")).isEqualTo(notFound);
    assertThat(delta(before, after, "mmaas_gateway_requests_total{code=\"429\"}")).isEqualTo(throttled);
    assertThat(delta(before, after, "mmaas_gateway_requests_total{code=\"401\"}")).isEqualTo(2);
    assertThat(delta(before, after, "mmaas_gateway_throttled_total{reason=\"key_rate\"}")).isEqualTo(throttled);
    assertThat(delta(before, after, "mmaas_gateway_throttled_total{reason=\"tenant_rate\"}")).isZero();
    // the one POST is the one inference the histogram counts, in its bucket and in +Inf
    assertThat(delta(before, after, "mmaas_gateway_infer_duration_seconds_count")).isEqualTo(1);
    assertThat(delta(before, after, "mmaas_gateway_infer_duration_seconds_bucket{le=\"+Inf\"}")).isEqualTo(1);
    assertThat(delta(before, after, "mmaas_gateway_infer_duration_seconds_bucket{le=\"60.0\"}")).isEqualTo(1);
    assertThat(after.get("mmaas_gateway_in_flight")).isZero();
    assertThat(after.get("mmaas_gateway_replicas")).isEqualTo(1);
    assertThat(after.get("mmaas_gateway_cached_keys")).isPositive();
    assertThat(after).containsKeys("mmaas_gateway_routed_versions", "mmaas_usage_pending_rows",
        "mmaas_usage_flush_failures_total", "mmaas_gateway_agent_errors_total{kind=\"timeout\"}");
  }

  @Test
  @DisplayName("a key's own rate limit is tighter than its tenant's")
  void keyLimits() {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "q-four"));
    String key = cp.post(admin, "/api/v1/tenants/q-four/api-keys", new JsonObject().put("name", "slow")
        .put("limits", new JsonObject().put("requestsPerSecond", 2).put("burst", 2))).getString("key");
    int throttled = 0;
    for (int i = 0; i < 10; i++) {
      HttpResponse<Buffer> r = cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(key)
          .send().await();
      if (r.statusCode() == 429) {
        throttled++;
        assertThat(r.bodyAsJsonObject().getString("error")).contains("API key");
      }
    }
    assertThat(throttled).isBetween(6, 8);
  }
}
