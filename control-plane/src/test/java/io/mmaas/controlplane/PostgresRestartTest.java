package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.controlplane.testing.PrivatePostgres;
import io.mmaas.controlplane.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A PostgreSQL cluster of the test's own, stopped immediately and started again under a running control plane. */
@DisplayName("The control plane's pool recovers from a PostgreSQL restart without a process restart")
class PostgresRestartTest {
  @Test
  @DisplayName("admin requests get 503 while PostgreSQL is stopped and 200 again soon after it is back")
  void restart() throws Exception {
    try (PrivatePostgres pg = PrivatePostgres.start();
         ControlPlaneFixture cp = ControlPlaneFixture.start(TestDatabase.create(pg.serverUrl()), Map.of())) {
      String admin = cp.adminToken();
      assertThat(status(cp, admin)).isEqualTo(200);
      pg.stopImmediately();
      long started = System.nanoTime();
      int down = status(cp, admin);
      long ms = (System.nanoTime() - started) / 1_000_000;
      System.out.println("[figure] admin request with PostgreSQL stopped: " + down + " in " + ms + " ms");
      assertThat(down).isEqualTo(503);
      pg.startServer();
      Instant back = Instant.now();
      while (status(cp, admin) != 200) {
        assertThat(Duration.between(back, Instant.now())).isLessThan(Duration.ofSeconds(10));
        Thread.sleep(100);
      }
      System.out.println("[figure] admin API answers 200 " + Duration.between(back, Instant.now()).toMillis()
          + " ms after PostgreSQL accepts connections again");
    }
  }

  private static int status(ControlPlaneFixture cp, String token) {
    return cp.client.getAbs(cp.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication(token).timeout(15_000)
        .send().await().statusCode();
  }
}
