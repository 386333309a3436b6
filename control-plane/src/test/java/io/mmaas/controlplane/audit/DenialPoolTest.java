package io.mmaas.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Audit writes anonymous callers cause wait on a pool of their own, not on the one the data plane needs")
class DenialPoolTest {
  /** AuditWriter's chain lock (held here to make every audit write wait). */
  private static final long CHAIN_LOCK = 0x6d6d616173_01L;
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
  @DisplayName("while 12 refused enrolments wait to be audited, a gateway key that is not cached yet still loads")
  void keyLoadsDuringADenialBacklog() throws Exception {
    String admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
    String key = cp.post(admin, "/api/v1/tenants/acme/api-keys", new JsonObject().put("name", "k")).getString("key");
    List<Future<?>> enrolments = new ArrayList<>();
    try (Connection holder = cp.db.connect(); Connection watcher = cp.db.connect()) {
      holder.createStatement().execute("SELECT pg_advisory_lock(" + CHAIN_LOCK + ")");
      var client = io.vertx.ext.web.client.WebClient.create(cp.vertx, new io.vertx.ext.web.client.WebClientOptions(),
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(12));
      for (int i = 0; i < 12; i++) {
        enrolments.add(client.postAbs(cp.agentApiUrl() + "/agent/v1/enroll").sendJsonObject(new JsonObject()
            .put("token", "mmet_wrong").put("name", "node-" + i).put("servingUrl", "http://127.0.0.1:1")));
      }
      awaitStableWaiters(watcher);
      long started = System.nanoTime();
      int status = cp.client.getAbs(cp.gatewayUrl() + "/v2/models/none").bearerTokenAuthentication(key).send().await()
          .statusCode();
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertThat(status).as("the key was loaded and checked (no such model)").isEqualTo(404);
      assertThat(ms).as("without waiting for a connection").isLessThan(2_000);
      holder.createStatement().execute("SELECT pg_advisory_unlock(" + CHAIN_LOCK + ")");
    }
    Future.join(enrolments).await();
  }

  /** Until the audit writes queued behind the held lock stop growing in number (and there is at least one). */
  private static void awaitStableWaiters(Connection c) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    long last = -1;
    Instant stableSince = Instant.now();
    while (true) {
      long n;
      try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
          + "AND NOT granted")) {
        rs.next();
        n = rs.getLong(1);
      }
      if (n != last) {
        last = n;
        stableSince = Instant.now();
      } else if (n > 0 && Duration.between(stableSince, Instant.now()).toMillis() > 500) {
        return;
      }
      assertThat(Instant.now()).as("audit writes queue behind the lock").isBefore(deadline);
      Thread.sleep(20);
    }
  }
}
