package io.mmaas.controlplane.audit;

import static io.mmaas.controlplane.audit.AuditTesting.getRaw;
import static io.mmaas.controlplane.audit.AuditTesting.lines;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A realistic session (sign-ins, a password typed into the username field, keys created, rotated and misused,
 * generated passwords, enrollment tokens) followed by a scan of every audit row and every log line for the secrets
 * it used; then searching and exporting that log, each access being audited itself.
 */
@DisplayName("Audit access: no secret is ever written, and the log is searchable and exportable")
class AuditAccessTest {
  static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    cp.close();
  }

  private static int call(String method, String token, String path, JsonObject body) {
    var req = cp.client.requestAbs(io.vertx.core.http.HttpMethod.valueOf(method), cp.adminUrl() + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return (body == null ? req.send() : req.sendJsonObject(body)).await().statusCode();
  }

  @Test
  @DisplayName("after sign-ins, mistyped passwords, key rotation and misuse, no audit row and no log line holds a secret")
  void noSecretsAnywhere() throws Exception {
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("admin password", ControlPlaneFixture.ADMIN_PASSWORD);
    secrets.put("admin token", admin);
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "secretive"));
    String pw = "correct-horse-battery-staple-1";
    cp.post(admin, "/api/v1/tenants/secretive/users", new JsonObject().put("username", "alice")
        .put("role", "tenant_admin").put("password", pw));
    secrets.put("alice password", pw);
    // the password typed into the username field, twice, and a near miss
    call("POST", null, "/api/v1/auth/login", new JsonObject().put("username", pw).put("password", "alice"));
    call("POST", null, "/api/v1/auth/login", new JsonObject().put("username", pw).put("password", pw));
    call("POST", null, "/api/v1/auth/login", new JsonObject().put("username", "alice@secretive").put("password", pw + "x"));
    secrets.put("near-miss password", pw + "x");
    String alice = cp.login("alice@secretive", pw);
    secrets.put("alice token", alice);
    String pw2 = "another-long-secret-passphrase-2";
    assertThat(call("POST", alice, "/api/v1/me/password", new JsonObject().put("currentPassword", pw)
        .put("newPassword", pw2))).isLessThan(300);
    secrets.put("alice new password", pw2);
    alice = cp.login("alice@secretive", pw2);
    JsonObject key = cp.post(alice, "/api/v1/tenants/secretive/api-keys", new JsonObject().put("name", "app"));
    secrets.put("api key", key.getString("key"));
    JsonObject rotated = cp.post(alice, "/api/v1/tenants/secretive/api-keys/" + key.getString("id") + "/rotate",
        new JsonObject());
    secrets.put("rotated api key", rotated.getString("key"));
    String secretPart = rotated.getString("key").substring(rotated.getString("key").length() - 38);
    secrets.put("rotated key secret part", secretPart);
    assertThat(call("DELETE", alice, "/api/v1/tenants/secretive/api-keys/" + rotated.getString("id"), null))
        .isLessThan(300);
    // a key used where a session token belongs, and a revoked key at the gateway
    call("GET", rotated.getString("key"), "/api/v1/me", null);
    cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(rotated.getString("key"))
        .send().await();
    JsonObject user = cp.post(admin, "/api/v1/users", new JsonObject().put("username", "auditor-x").put("role", "auditor"));
    secrets.put("generated password", user.getString("password"));
    JsonObject enrollment = cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject().put("name", "fleet"));
    secrets.put("enrollment token", enrollment.getString("token"));
    var enrolled = cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
        .put("token", enrollment.getString("token")).put("name", "node-1").put("servingUrl", "http://127.0.0.1:9")).await();
    enrolled.bodyAsJsonObject().forEach(e -> {
      if (e.getValue() instanceof String s && s.length() >= 20 && !e.getKey().toLowerCase().endsWith("id")) {
        secrets.put("agent " + e.getKey(), s);
      }
    });
    call("POST", alice, "/api/v1/auth/logout", null);
    secrets.values().removeIf(v -> v == null);

    List<String> rows = new ArrayList<>();
    try (var c = cp.db.connect(); var s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT a::text FROM audit_events a")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    assertThat(rows.size()).isGreaterThan(15);
    List<String> logs = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(LOGS.list)) {
      logs.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertThat(logs).isNotEmpty();
    List<String> leaks = new ArrayList<>();
    secrets.forEach((what, secret) -> {
      rows.stream().filter(r -> r.contains(secret)).forEach(r -> leaks.add(what + " in audit row " + r));
      logs.stream().filter(l -> l.contains(secret)).forEach(l -> leaks.add(what + " in log line " + l));
    });
    assertThat(leaks).isEmpty();
    // the mistyped password still groups: both attempts carry the same fingerprint, not the text
    try (var c = cp.db.connect(); var s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT count(DISTINCT actor_name), count(*) FROM audit_events WHERE action = 'auth.login' AND target_id IS NULL")) {
      rs.next();
      assertThat(rs.getLong(2)).isEqualTo(2);
      assertThat(rs.getLong(1)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("filters by tenant, actor, action, target, outcome and time page by keyset, and every access is audited")
  void searchAndExport() {
    Instant before = Instant.now();
    JsonObject t1 = cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "search-one"));
    for (int i = 0; i < 5; i++) {
      cp.post(admin, "/api/v1/tenants/search-one/api-keys", new JsonObject().put("name", "k" + i));
    }
    String tenantId = t1.getString("id");
    JsonObject page1 = cp.get(admin, "/api/v1/audit-events?tenantId=" + tenantId + "&action=api_key.create&limit=3");
    assertThat(page1.getJsonArray("items")).hasSize(3);
    JsonObject page2 = cp.get(admin, "/api/v1/audit-events?tenantId=" + tenantId + "&action=api_key.create&limit=3&before="
        + page1.getString("nextBefore"));
    assertThat(page2.getJsonArray("items")).hasSize(2);
    assertThat(page2.getString("nextBefore")).isNull();
    JsonObject first = page1.getJsonArray("items").getJsonObject(0);
    assertThat(first.getLong("seq")).isGreaterThan(page2.getJsonArray("items").getJsonObject(0).getLong("seq"));

    String target = first.getJsonObject("target").getString("id");
    assertThat(items("targetType=api_key&targetId=" + target)).hasSize(1);
    String actor = first.getJsonObject("actor").getString("id");
    assertThat(items("actorId=" + actor + "&action=tenant.create&from=" + before)).hasSize(1);
    assertThat(items("tenantId=" + tenantId + "&to=" + before)).isEmpty();
    int ofTenant = items("tenantId=" + tenantId).size();
    assertThat(ofTenant).isGreaterThanOrEqualTo(6);
    assertThat(items("tenantId=" + tenantId + "&from=" + before + "&to=" + Instant.now().plusSeconds(5)))
        .hasSizeGreaterThanOrEqualTo(ofTenant);
    assertThat(items("outcome=denied&tenantId=" + tenantId)).isEmpty();
    assertThat(call("GET", admin, "/api/v1/audit-events?outcome=maybe", null)).isEqualTo(400);
    assertThat(call("GET", admin, "/api/v1/audit-events?from=yesterday", null)).isEqualTo(400);

    var csv = getRaw(cp, admin, "/api/v1/audit-events/export?format=csv&tenantId=" + tenantId);
    assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
    List<String> csvLines = lines(csv);
    assertThat(csvLines.get(0)).startsWith("seq,id,occurred_at");
    // reads of this tenant's log are events of this tenant too, so the export holds at least what was listed
    assertThat(csvLines.size() - 1).isGreaterThanOrEqualTo(ofTenant);
    assertThat(csvLines.subList(1, csvLines.size())).allSatisfy(l -> assertThat(l.split(",")[6]).isEqualTo(tenantId));
    List<String> jsonl = lines(getRaw(cp, admin, "/api/v1/audit-events/export?tenantId=" + tenantId
        + "&action=api_key.create"));
    assertThat(jsonl).hasSize(5);
    AuditEvent exported = AuditEvent.fromExportJson(new JsonObject(jsonl.get(0)));
    assertThat(AuditWriter.sha256(exported.canonical())).isEqualTo(exported.hash());

    JsonArray accesses = cp.get(admin, "/api/v1/audit-events?targetType=audit_log&limit=50").getJsonArray("items");
    List<String> actions = accesses.stream().map(o -> ((JsonObject) o).getString("action")).toList();
    assertThat(actions).contains("audit.list", "audit.export");
    JsonObject exportEvent = accesses.stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("action").equals("audit.export")).findFirst().orElseThrow();
    assertThat(exportEvent.getJsonObject("details").getString("format")).isIn("csv", "jsonl");
    cp.get(admin, "/api/v1/audit-events/verify");
    assertThat(items("action=audit.verify")).isNotEmpty();
  }

  private static JsonArray items(String query) {
    return cp.get(admin, "/api/v1/audit-events?limit=200&" + query).getJsonArray("items");
  }
}
