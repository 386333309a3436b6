package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Admin API: sign-in, tokens and tenants")
class AuthAndTenantsTest {
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  private HttpResponse<Buffer> login(String user, String password) {
    return cp.client.postAbs(cp.adminUrl() + "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("username", user).put("password", password)).await();
  }

  @Test
  @DisplayName("a wrong password and an unknown user get the same 401, and both are audited as failures")
  void failedSignIns() throws Exception {
    // counted by action: the denial summaries of earlier tests (tampered tokens) may be flushed meanwhile
    long before = loginEvents();
    HttpResponse<Buffer> wrong = login("admin", "not-the-password");
    HttpResponse<Buffer> unknown = login("nobody", "not-the-password");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .isEqualTo(unknown.bodyAsJsonObject().getJsonObject("error").getString("message"));
    assertThat(wrong.bodyAsJsonObject().getJsonObject("error").getString("requestId")).isNotBlank();
    assertThat(loginEvents()).isEqualTo(before + 2);
    try (var c = cp.db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("SELECT outcome, actor_name, details FROM audit_events WHERE action = 'auth.login' "
             + "ORDER BY seq DESC LIMIT 2")) {
      while (rs.next()) {
        assertThat(rs.getString("outcome")).isEqualTo("failure");
        assertThat(rs.getString("details")).doesNotContain("not-the-password");
      }
    }
  }

  private static long loginEvents() throws java.sql.SQLException {
    try (var c = cp.db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("SELECT count(*) FROM audit_events WHERE action = 'auth.login'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName("a signed-in admin sees itself; a missing, tampered or unsigned token is refused")
  void tokens() {
    JsonObject me = cp.get(admin, "/api/v1/me");
    assertThat(me.getString("username")).isEqualTo("admin");
    assertThat(me.getString("role")).isEqualTo("platform_admin");

    assertThat(cp.client.getAbs(cp.adminUrl() + "/api/v1/me").send().await().statusCode()).isEqualTo(401);
    String[] parts = admin.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertThat(cp.client.getAbs(cp.adminUrl() + "/api/v1/me").bearerTokenAuthentication(tampered).send().await()
        .statusCode()).isEqualTo(401);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String unsigned = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + parts[1] + ".";
    assertThat(cp.client.getAbs(cp.adminUrl() + "/api/v1/me").bearerTokenAuthentication(unsigned).send().await()
        .statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("creating a tenant stores it with an audit event; duplicates and bad input change nothing")
  void tenants() {
    long before = cp.auditCount();
    JsonObject t = cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme").put("displayName", "ACME"));
    assertThat(t.getString("name")).isEqualTo("acme");
    assertThat(t.getString("state")).isEqualTo("ACTIVE");
    assertThat(cp.auditCount()).isEqualTo(before + 1);

    long afterCreate = cp.auditCount();
    long tenants = cp.count("tenants");
    for (JsonObject bad : new JsonObject[] {
        new JsonObject().put("name", "acme"),
        new JsonObject().put("name", "Bad Name!"),
        new JsonObject().put("name", "ok-name").put("quota", 5),
        new JsonObject()}) {
      int status = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication(admin)
          .sendJsonObject(bad).await().statusCode();
      assertThat(status).as(bad.encode()).isIn(400, 409);
    }
    HttpResponse<Buffer> notJson = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication(admin)
        .sendBuffer(Buffer.buffer("{not json")).await();
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(cp.count("tenants")).isEqualTo(tenants);
    assertThat(cp.auditCount()).isEqualTo(afterCreate);

    JsonObject page = cp.get(admin, "/api/v1/tenants?limit=1");
    assertThat(page.getJsonArray("items")).hasSize(1);
    assertThat(cp.get(admin, "/api/v1/tenants/acme").getString("displayName")).isEqualTo("ACME");
    HttpResponse<Buffer> unknown = cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants/no-such-tenant")
        .bearerTokenAuthentication(admin).send().await();
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants?limit=0").bearerTokenAuthentication(admin).send()
        .await().statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("the audit chain verifies, and an edit made behind the application's back is found")
  void auditChain() throws Exception {
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "chain-test"));
    JsonObject ok = cp.get(admin, "/api/v1/audit-events/verify");
    assertThat(ok.getBoolean("valid")).isTrue();
    assertThat(ok.getLong("checked")).isGreaterThan(1);

    try (var c = cp.db.connect(); var s = c.createStatement()) {
      // The trigger refuses changes even for the superuser...
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
              s.executeUpdate("UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 2"))
          .hasMessageContaining("append-only");
      // ...so an attacker with full control must first disable it; the chain still shows the edit.
      s.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete");
      s.executeUpdate("UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 2");
      s.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete");
    }
    JsonObject broken = cp.get(admin, "/api/v1/audit-events/verify");
    assertThat(broken.getBoolean("valid")).isFalse();
    assertThat(broken.getLong("firstBrokenSeq")).isEqualTo(2L);

    JsonObject events = cp.get(admin, "/api/v1/audit-events?action=tenant.create&limit=5");
    assertThat(events.getJsonArray("items")).isNotEmpty();
  }
}
