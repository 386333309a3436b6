package io.mmaas.controlplane.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Small facts of one tenant do not leak to another: usernames, probes, model names")
class CrossTenantLeaksTest {
  static final String PASSWORD = "a-long-enough-password";
  static ControlPlaneFixture cp;
  static String admin;
  static String red;
  static String blueId;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start(java.util.Map.of("MMAAS_AUDIT_DENIAL_WINDOW_MS", "1000"));
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "red"));
    blueId = cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "blue")).getString("id");
    JsonObject created = cp.post(admin, "/api/v1/tenants/red/users", new JsonObject().put("username", "boss")
        .put("role", "tenant_admin").put("password", PASSWORD));
    assertThat(created.getString("username")).isEqualTo("boss@red");
    red = cp.login("boss@red", PASSWORD);
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("a tenant admin cannot tell which usernames exist in other tenants or on the platform")
  void usernamesDoNotLeak() {
    cp.post(admin, "/api/v1/tenants/blue/users", new JsonObject().put("username", "carol").put("role", "auditor"));
    cp.post(admin, "/api/v1/users", new JsonObject().put("username", "dave").put("role", "auditor"));
    for (String name : new String[] {"carol", "dave", "admin", "nobody-has-this"}) {
      HttpResponse<Buffer> r = createUser(red, name);
      assertThat(r.statusCode()).as(name + ": " + r.bodyAsString()).isEqualTo(201);
      assertThat(r.bodyAsJsonObject().getString("username")).isEqualTo(name + "@red");
    }
    assertThat(createUser(red, "carol").statusCode()).as("taken in its own tenant").isEqualTo(409);
    assertThat(createUser(red, "carol@red").statusCode()).as("the same name, spelled out").isEqualTo(409);
    assertThat(cp.client.postAbs(cp.adminUrl() + "/api/v1/users").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("username", "eve@red").put("role", "auditor")).await().statusCode())
        .as("a platform user cannot take a name in a tenant's namespace").isEqualTo(400);
  }

  @Test
  @DisplayName("a refused probe of another tenant is in the prober's trail; the probed tenant learns only that it happened")
  void probeRecordedWhereItBelongs() throws Exception {
    assertThat(cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants/blue/models").bearerTokenAuthentication(red)
        .send().await().statusCode()).isEqualTo(404);
    assertThat(cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants/no-such-tenant/models").bearerTokenAuthentication(red)
        .send().await().statusCode()).isEqualTo(404);
    List<JsonObject> inBlue = new ArrayList<>();
    List<JsonObject> inRed = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    while ((inBlue.isEmpty() || inRed.size() < 2) && System.currentTimeMillis() < deadline) {
      inBlue = probes(blueId);
      inRed = probes(cp.get(admin, "/api/v1/tenants/red").getString("id"));
      Thread.sleep(50);
    }
    assertThat(inBlue).hasSize(1);
    JsonObject b = inBlue.get(0);
    assertThat(b.getString("actor_name")).isNull();
    assertThat(b.getString("source_ip")).isNull();
    assertThat(b.getString("user_agent")).isNull();
    assertThat(b.encode()).doesNotContain("boss");
    // the second probe is of the same kind as the first (same caller, action and trail): it is in the summary
    assertThat(inRed).as("both probes, existing tenant or not, alike").hasSize(2);
    assertThat(new JsonObject(inRed.get(1).getString("details")).getLong("summarized")).isEqualTo(1L);
    assertThat(inRed).allSatisfy(e -> {
      assertThat(e.getString("actor_name")).isEqualTo("boss@red");
      assertThat(e.getString("source_ip")).isEqualTo("127.0.0.1");
      assertThat(e.getString("target_id")).isNull();
    });
  }

  @Test
  @DisplayName("a key limited to some models gets 403 for any other name, whether such a model exists or not")
  void allowListBeforeLookup() {
    String key = cp.post(admin, "/api/v1/tenants/red/api-keys", new JsonObject().put("name", "only-a")
        .put("models", new JsonArray().add("model-a"))).getString("key");
    HttpResponse<Buffer> r = cp.client.getAbs(cp.gatewayUrl() + "/v2/models/does-not-exist")
        .bearerTokenAuthentication(key).send().await();
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("may not call model 'does-not-exist'");
  }

  private static HttpResponse<Buffer> createUser(String token, String username) {
    return cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/red/users").bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("username", username).put("role", "auditor")).await();
  }

  private static List<JsonObject> probes(String tenantId) {
    List<JsonObject> out = new ArrayList<>();
    try (var c = cp.db.connect(); var s = c.prepareStatement("SELECT actor_name, source_ip, user_agent, target_id, "
        + "details FROM audit_events WHERE action = 'tenant.access' AND tenant_id = ?::uuid ORDER BY seq")) {
      s.setString(1, tenantId);
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new JsonObject().put("actor_name", rs.getString(1)).put("source_ip", rs.getString(2))
              .put("user_agent", rs.getString(3)).put("target_id", rs.getString(4)).put("details", rs.getString(5)));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
