package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Denied requests are audited, and a flood is summarised instead of drowning the log")
class DenialAuditTest {
  static ControlPlaneFixture cp;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start(Map.of("MMAAS_AUDIT_DENIAL_WINDOW_MS", "1000"));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("200 requests with a bad token write one event now and one summary counting the rest")
  void floodIsSummarised() throws Exception {
    String admin = cp.adminToken();
    long before = count("access.denied");
    for (int i = 0; i < 200; i++) {
      assertThat(cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication("bogus.token.x")
          .send().await().statusCode()).isEqualTo(401);
    }
    RegistryKeysDeploymentsTest.awaitCondition(() -> count("access.denied") == before + 2);
    try (var c = cp.db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("SELECT details FROM audit_events WHERE action = 'access.denied' ORDER BY seq DESC LIMIT 1")) {
      rs.next();
      assertThat(new JsonObject(rs.getString(1)).getLong("summarized")).isEqualTo(199L);
    }
    assertThat(cp.get(admin, "/api/v1/audit-events/verify").getBoolean("valid")).isTrue();
  }

  private static long count(String action) {
    try (var c = cp.db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("SELECT count(*) FROM audit_events WHERE action = '" + action + "'")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
