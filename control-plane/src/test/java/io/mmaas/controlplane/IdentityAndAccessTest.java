package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Identity and access: users, roles, sessions, throttling, key rotation and revocation")
class IdentityAndAccessTest {
  static ControlPlaneFixture cp;
  static String admin;
  static final String PASSWORD = "a-long-enough-password";

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "red"));
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "blue"));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  HttpResponse<Buffer> call(String method, String token, String path, JsonObject body) {
    var req = cp.client.requestAbs(io.vertx.core.http.HttpMethod.valueOf(method), cp.adminUrl() + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  @Test
  @DisplayName("a tenant admin manages its own tenant only: other tenants are 404, platform actions 403")
  void tenantAdminScope() {
    JsonObject created = cp.post(admin, "/api/v1/tenants/red/users",
        new JsonObject().put("username", "red-admin").put("role", "tenant_admin").put("password", PASSWORD));
    assertThat(created.getString("tenant")).isEqualTo("red");
    assertThat(created.containsKey("password")).isFalse();
    String red = cp.login("red-admin@red", PASSWORD);

    assertThat(call("POST", red, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "k")).statusCode())
        .isEqualTo(201);
    assertThat(call("GET", red, "/api/v1/tenants/red/api-keys", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", red, "/api/v1/tenants/blue/api-keys", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", red, "/api/v1/tenants/blue", null).statusCode()).isEqualTo(404);
    assertThat(call("POST", red, "/api/v1/tenants", new JsonObject().put("name", "green")).statusCode()).isEqualTo(403);
    assertThat(call("GET", red, "/api/v1/tenants", null).statusCode()).isEqualTo(403);
    assertThat(call("GET", red, "/api/v1/users", null).statusCode()).isEqualTo(403);
    assertThat(call("POST", red, "/api/v1/tenants/red/users",
        new JsonObject().put("username", "sneaky").put("role", "platform_admin").put("password", PASSWORD))
        .statusCode()).isEqualTo(400);
    // fields a caller may not set are refused, not ignored
    assertThat(call("POST", red, "/api/v1/tenants/red/api-keys",
        new JsonObject().put("name", "k").put("tenant", "blue")).statusCode()).isEqualTo(400);
    assertThat(call("POST", red, "/api/v1/tenants/red/users",
        new JsonObject().put("username", "x1").put("role", "tenant_admin").put("tenant", "blue")).statusCode())
        .isEqualTo(400);
  }

  @Test
  @DisplayName("an auditor reads the audit log but cannot read or change a tenant's objects")
  void auditorIsReadOnly() {
    JsonObject created = cp.post(admin, "/api/v1/users", new JsonObject().put("username", "auditor-1")
        .put("role", "auditor"));
    String generated = created.getString("password");
    assertThat(generated).hasSizeGreaterThanOrEqualTo(12);
    String auditor = cp.login("auditor-1", generated);
    assertThat(call("GET", auditor, "/api/v1/audit-events?limit=5", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", auditor, "/api/v1/tenants", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", auditor, "/api/v1/tenants/red/api-keys", null).statusCode()).isEqualTo(403);
    assertThat(call("POST", auditor, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "k")).statusCode())
        .isEqualTo(403);
    assertThat(call("POST", auditor, "/api/v1/tenants", new JsonObject().put("name", "x-y")).statusCode())
        .isEqualTo(403);
  }

  @Test
  @DisplayName("signing out, changing the password and disabling the user end sessions at once")
  void sessionsEnd() {
    cp.post(admin, "/api/v1/tenants/blue/users",
        new JsonObject().put("username", "blue-admin").put("role", "tenant_admin").put("password", PASSWORD));
    String first = cp.login("blue-admin@blue", PASSWORD);
    String second = cp.login("blue-admin@blue", PASSWORD);
    assertThat(call("POST", first, "/api/v1/auth/logout", null).statusCode()).isEqualTo(204);
    assertThat(call("GET", first, "/api/v1/me", null).statusCode()).isEqualTo(401);
    assertThat(call("GET", second, "/api/v1/me", null).statusCode()).isEqualTo(200);

    String third = cp.login("blue-admin@blue", PASSWORD);
    assertThat(call("POST", second, "/api/v1/me/password", new JsonObject().put("currentPassword", "wrong-password!!")
        .put("newPassword", "another-long-password")).statusCode()).isEqualTo(400);
    assertThat(call("POST", second, "/api/v1/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", "another-long-password")).statusCode()).isEqualTo(204);
    assertThat(call("GET", second, "/api/v1/me", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", third, "/api/v1/me", null).statusCode()).as("other sessions end").isEqualTo(401);

    String id = cp.get(second, "/api/v1/me").getString("id");
    assertThat(call("POST", admin, "/api/v1/users/" + id + "/disable", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", second, "/api/v1/me", null).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> disabledLogin = cp.client.postAbs(cp.adminUrl() + "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("username", "blue-admin@blue").put("password", "another-long-password")).await();
    assertThat(disabledLogin.statusCode()).isEqualTo(401);
    assertThat(call("POST", admin, "/api/v1/users/" + id + "/enable", null).statusCode()).isEqualTo(200);
    assertThat(cp.login("blue-admin@blue", "another-long-password")).isNotBlank();
  }

  @Test
  @DisplayName("repeated failures from one source are throttled with Retry-After, unknown users alike; others are not")
  void throttling() {
    int throttledKnown = 0;
    int throttledUnknown = 0;
    for (int i = 0; i < 7; i++) {
      HttpResponse<Buffer> r = cp.client.postAbs(cp.adminUrl() + "/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("username", "admin").put("password", "guess-" + i)).await();
      if (r.statusCode() == 429) {
        throttledKnown++;
        assertThat(Long.parseLong(r.getHeader("Retry-After"))).isPositive();
      } else {
        assertThat(r.statusCode()).isEqualTo(401);
      }
      HttpResponse<Buffer> u = cp.client.postAbs(cp.adminUrl() + "/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("username", "ghost").put("password", "guess-" + i)).await();
      if (u.statusCode() == 429) {
        throttledUnknown++;
      }
    }
    assertThat(throttledKnown).isEqualTo(2);
    assertThat(throttledUnknown).isEqualTo(2);
    // another account from the same source is unaffected
    cp.post(admin, "/api/v1/users", new JsonObject().put("username", "ops").put("role", "platform_admin")
        .put("password", PASSWORD));
    assertThat(cp.login("ops", PASSWORD)).isNotBlank();
  }

  @Test
  @DisplayName("application keys and agent credentials are refused by the admin API, admin tokens by the agent API")
  void credentialsStayInTheirPlane() {
    String key = cp.post(admin, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "app")).getString("key");
    assertThat(call("GET", key, "/api/v1/tenants/red/api-keys", null).statusCode()).isEqualTo(401);
    String token = cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject()).getString("token");
    String credential = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll")
        .sendJsonObject(new JsonObject().put("token", token).put("name", "n1").put("servingUrl", "http://127.0.0.1:1"))
        .await().bodyAsJsonObject().getString("credential");
    assertThat(call("GET", credential, "/api/v1/tenants/red", null).statusCode()).isEqualTo(401);
    String tokenId = cp.get(admin, "/api/v1/agents/enrollment-tokens").getJsonArray("items").getJsonObject(0).getString("id");
    assertThat(call("DELETE", admin, "/api/v1/agents/enrollment-tokens/" + tokenId, null).statusCode()).isEqualTo(204);
    assertThat(cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
            .put("token", token).put("name", "n2").put("servingUrl", "http://127.0.0.1:1")).await().statusCode())
        .as("a revoked enrollment token enrolls nobody").isEqualTo(401);
    assertThat(call("GET", token, "/api/v1/tenants/red", null).statusCode()).isEqualTo(401);
    assertThat(cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/heartbeat").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject()).await().statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a rotated key works alongside the new one until the chosen time; revocation reaches the gateway fast")
  void rotationAndRevocation() throws Exception {
    JsonObject old = cp.post(admin, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "rotating"));
    String oldKey = old.getString("key");
    assertThat(gatewayStatus(oldKey)).isEqualTo(404); // authenticated; no such model
    HttpResponse<Buffer> rotated = call("POST", admin, "/api/v1/tenants/red/api-keys/" + old.getString("id") + "/rotate",
        new JsonObject().put("oldKeyExpiresAt", Instant.now().plusSeconds(3600).toString()));
    assertThat(rotated.statusCode()).isEqualTo(201);
    String newKey = rotated.bodyAsJsonObject().getString("key");
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(gatewayStatus(newKey)).isEqualTo(404);
    assertThat(gatewayStatus(oldKey)).as("old key still works during the overlap").isEqualTo(404);

    Instant start = Instant.now();
    assertThat(call("DELETE", admin, "/api/v1/tenants/red/api-keys/" + old.getString("id"), null).statusCode())
        .isEqualTo(200);
    while (gatewayStatus(oldKey) != 401) {
      assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
      Thread.sleep(5);
    }
    System.out.println("revocation propagation: " + Duration.between(start, Instant.now()).toMillis() + " ms");
    assertThat(gatewayStatus(newKey)).isEqualTo(404);

    // last use is recorded in batches
    RegistryKeysDeploymentsTest.awaitCondition(() -> cp.get(admin, "/api/v1/tenants/red/api-keys/"
        + rotated.bodyAsJsonObject().getString("id")).getString("lastUsedAt") != null);
  }

  @Test
  @DisplayName("suspending a tenant stops its API keys at once; resuming restores them; tenant admins cannot do either")
  void suspendAndResume() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "paused"));
    String key = cp.post(admin, "/api/v1/tenants/paused/api-keys", new JsonObject().put("name", "k")).getString("key");
    assertThat(gatewayStatus(key)).isEqualTo(404);
    assertThat(call("POST", admin, "/api/v1/tenants/paused/suspend", null).bodyAsJsonObject().getString("state"))
        .isEqualTo("SUSPENDED");
    RegistryKeysDeploymentsTest.awaitCondition(() -> gatewayStatus(key) == 401);
    assertThat(call("POST", admin, "/api/v1/tenants/paused/resume", null).statusCode()).isEqualTo(200);
    RegistryKeysDeploymentsTest.awaitCondition(() -> gatewayStatus(key) == 404);
    cp.post(admin, "/api/v1/tenants/paused/users", new JsonObject().put("username", "paused-admin")
        .put("role", "tenant_admin").put("password", PASSWORD));
    String tenantAdmin = cp.login("paused-admin@paused", PASSWORD);
    assertThat(call("POST", tenantAdmin, "/api/v1/tenants/paused/suspend", null).statusCode()).isEqualTo(403);
    JsonObject listed = cp.get(admin, "/api/v1/users?limit=200");
    assertThat(listed.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(u -> u.getString("username").equals("paused-admin@paused")).findFirst().orElseThrow().getString("tenant"))
        .isEqualTo("paused");
  }

  @Test
  @DisplayName("a key's model allow-list and scopes are enforced at the gateway, and an expired key stops working")
  void scopesAllowListAndExpiry() throws Exception {
    String listed = cp.post(admin, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "only-a")
        .put("models", new io.vertx.core.json.JsonArray().add("model-a"))).getString("key");
    cp.post(admin, "/api/v1/tenants/red/models", new JsonObject().put("name", "model-b"));
    cp.upload(admin, "red", "model-b", io.mmaas.onnx.OnnxModels.mlp(2, 2, 2, 1));
    cp.post(admin, "/api/v1/tenants/red/deployments", new JsonObject().put("model", "model-b"));
    RegistryKeysDeploymentsTest.awaitCondition(() -> cp.client.getAbs(cp.gatewayUrl() + "/v2/models/model-b")
        .bearerTokenAuthentication(listed).send().await().statusCode() == 403);
    var other = cp.client.getAbs(cp.gatewayUrl() + "/v2/models/model-b").bearerTokenAuthentication(listed).send().await();
    assertThat(other.bodyAsJsonObject().getString("error")).contains("may not call model 'model-b'");
    String metadataOnly = cp.post(admin, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "meta")
        .put("scopes", new io.vertx.core.json.JsonArray().add("metadata"))).getString("key");
    var infer = cp.client.postAbs(cp.gatewayUrl() + "/v2/models/none/infer").bearerTokenAuthentication(metadataOnly)
        .sendJsonObject(new JsonObject()).await();
    assertThat(infer.statusCode()).isEqualTo(403);
    assertThat(infer.bodyAsJsonObject().getString("error")).contains("'infer' scope");
    String expiring = cp.post(admin, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "brief")
        .put("expiresAt", Instant.now().plusSeconds(2).toString())).getString("key");
    assertThat(gatewayStatus(expiring)).isEqualTo(404);
    RegistryKeysDeploymentsTest.awaitCondition(() -> gatewayStatus(expiring) == 401);
  }

  private int gatewayStatus(String key) {
    return cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(key).send().await()
        .statusCode();
  }
}
