package io.mmaas.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Anonymous denials cannot flood the audit log by varying the name they claim")
class AnonymousFloodTest {
  static ControlPlaneFixture cp;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start(Map.of("MMAAS_AUDIT_DENIAL_WINDOW_MS", "600000"));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("200 failed enrolments under 200 names from one source write 20 events and one overflow event, not 200")
  void enrolmentFloodIsCapped() {
    for (int i = 0; i < 200; i++) {
      assertThat(cp.client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
              .put("token", "mmet_wrong").put("name", "node-" + i).put("servingUrl", "http://127.0.0.1:1")).await()
          .statusCode()).isEqualTo(401);
    }
    // every anonymous denial from the source counts against its cap (the refused enrolment is also an access.denied)
    assertThat(count("SELECT count(*) FROM audit_events WHERE outcome = 'denied' AND source_ip = '127.0.0.1'"))
        .isEqualTo(20L + 1); // DenialAuditor.ANONYMOUS_KINDS_PER_SOURCE, and the overflow event
    assertThat(count("SELECT count(*) FROM audit_events WHERE action = 'audit.anonymous_overflow'")).isEqualTo(1);
    assertThat(cp.get(cp.adminToken(), "/api/v1/audit-events/verify").getBoolean("valid")).isTrue();
  }

  private static long count(String sql) {
    try (var c = cp.db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
