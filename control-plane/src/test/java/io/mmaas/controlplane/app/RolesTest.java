package io.mmaas.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.controlplane.testing.DatabaseLink;
import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Roles: one jar, the roles chosen at start")
class RolesTest {

  @Test
  @DisplayName("MMAAS_ROLES reads a comma list, all, or migrate; an unknown or empty name is an error")
  void parsing() {
    assertThat(Role.parse(null)).containsExactlyInAnyOrder(Role.values());
    assertThat(Role.parse("all")).containsExactlyInAnyOrder(Role.values());
    assertThat(Role.parse(" gateway , admin")).containsExactlyInAnyOrder(Role.GATEWAY, Role.ADMIN);
    assertThat(Role.parse("migrate")).isEmpty();
    assertThatThrownBy(() -> Role.parse("gateway,admni")).hasMessageContaining("unknown role 'admni'");
    assertThatThrownBy(() -> Role.parse("gateway,")).hasMessageContaining("unknown role ''");
    assertThatThrownBy(() -> Role.parse("migrate,admin")).hasMessageContaining("unknown role 'migrate'");
    assertThat(Role.describe(Role.parse("scheduler,agent-api"))).isEqualTo("agent-api,scheduler");
  }

  @Test
  @DisplayName("each secret is required only by the roles that use it: a gateway needs no JWT key, a migration none")
  void secretsPerRole() {
    Map<String, String> gateway = Map.of("MMAAS_ROLES", "gateway", "MMAAS_AGENT_SERVING_SECRET", "s".repeat(32));
    assertThat(Config.from(gateway).roles()).containsExactly(Role.GATEWAY);
    assertThat(Config.from(gateway).jwtKeys()).isEmpty();
    assertThat(Config.from(Map.of("MMAAS_ROLES", "migrate")).roles()).isEmpty();
    assertThatThrownBy(() -> Config.from(Map.of("MMAAS_ROLES", "admin", "MMAAS_AGENT_SERVING_SECRET", "s".repeat(32))))
        .hasMessageContaining("MMAAS_JWT_SECRET is required");
    assertThatThrownBy(() -> Config.from(Map.of("MMAAS_ROLES", "gateway")))
        .hasMessageContaining("MMAAS_AGENT_SERVING_SECRET is required");
    assertThatThrownBy(() -> Config.from(Map.of("MMAAS_ROLES", "migrate", "MMAAS_MIGRATE", "maybe")))
        .hasMessageContaining("MMAAS_MIGRATE must be true or false");
  }

  @Test
  @DisplayName("a gateway-only process opens no admin API and no agent API; its internal listener stays ready while "
      + "the database is cut off, where a process with the admin role turns unready")
  void gatewayOnlyProcess() throws Exception {
    try (ControlPlaneFixture cp = ControlPlaneFixture.start();
         DatabaseLink link = DatabaseLink.to(cp.db.url())) {
      Path data = Files.createTempDirectory("mmaas-gw-");
      Map<String, String> env = new HashMap<>(ControlPlaneFixture.baseEnv(cp.db, data));
      env.put("MMAAS_DATABASE_URL", link.url());
      env.put("MMAAS_ROLES", "gateway");
      env.put("MMAAS_MIGRATE", "false");
      env.remove("MMAAS_JWT_SECRET");
      Map<String, String> adminEnv = new HashMap<>(ControlPlaneFixture.baseEnv(cp.db, data));
      adminEnv.put("MMAAS_DATABASE_URL", link.url());
      adminEnv.put("MMAAS_ROLES", "admin");
      Vertx vertx = Vertx.vertx();
      try {
        ControlPlaneVerticle gateway = new ControlPlaneVerticle(Config.from(env), Clock.systemUTC());
        ControlPlaneVerticle admin = new ControlPlaneVerticle(Config.from(adminEnv), Clock.systemUTC());
        vertx.deployVerticle(gateway).await();
        vertx.deployVerticle(admin).await();
        assertThat(gateway.adminPort()).isZero();
        assertThat(gateway.gatewayPort()).isPositive();
        assertThat(admin.gatewayPort()).isZero();
        WebClient http = WebClient.create(vertx);
        String internal = "http://127.0.0.1:" + gateway.agentApiPort();
        String adminInternal = "http://127.0.0.1:" + admin.agentApiPort();

        JsonObject ready = http.getAbs(internal + "/health/ready").send().await().bodyAsJsonObject();
        assertThat(ready.getString("status")).isEqualTo("UP");
        assertThat(ready.getJsonArray("roles").getList()).isEqualTo(List.of("gateway"));
        assertThat(http.postAbs(internal + "/agent/v1/enroll").sendJsonObject(new JsonObject()).await().statusCode())
            .as("no agent API in a gateway-only process").isEqualTo(404);
        assertThat(http.getAbs(internal + "/metrics").send().await().bodyAsString())
            .contains("mmaas_gateway_in_flight").doesNotContain("mmaas_scheduler_holding_back");
        assertThat(http.getAbs("http://127.0.0.1:" + gateway.gatewayPort() + "/v2/health/ready").send().await()
            .statusCode()).isEqualTo(200);

        link.cut();
        HttpResponse<Buffer> gatewayReady = http.getAbs(internal + "/health/ready").send().await();
        HttpResponse<Buffer> adminReady = http.getAbs(adminInternal + "/health/ready").send().await();
        assertThat(gatewayReady.statusCode()).as(gatewayReady.bodyAsString()).isEqualTo(200);
        assertThat(gatewayReady.bodyAsJsonObject().getString("database")).isEqualTo("DOWN");
        assertThat(adminReady.statusCode()).as(adminReady.bodyAsString()).isEqualTo(503);
        link.restore();
        int status = 0;
        for (int i = 0; i < 50 && status != 200; i++) {
          status = http.getAbs(adminInternal + "/health/ready").send().await().statusCode();
          Thread.sleep(100);
        }
        assertThat(status).as("ready again once the database answers").isEqualTo(200);
      } finally {
        vertx.close().await();
      }
    }
  }

  @Test
  @DisplayName("MMAAS_METRICS_PORT gives /metrics a listener of its own with the health checks and nothing else; the "
      + "internal listener then keeps the agent API and health but no metrics")
  void metricsListenerOfItsOwn() throws Exception {
    try (ControlPlaneFixture cp = ControlPlaneFixture.start(Map.of("MMAAS_METRICS_PORT", "0"))) {
      assertThat(cp.verticle.metricsPort()).isPositive().isNotEqualTo(cp.verticle.agentApiPort());
      String metrics = "http://127.0.0.1:" + cp.verticle.metricsPort();
      String internal = cp.agentApiUrl();
      HttpResponse<Buffer> scraped = cp.client.getAbs(metrics + "/metrics").send().await();
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.bodyAsString()).contains("mmaas_gateway_requests_total");
      assertThat(cp.client.getAbs(internal + "/metrics").send().await().statusCode()).isEqualTo(404);
      for (String base : List.of(metrics, internal)) {
        assertThat(cp.client.getAbs(base + "/health/live").send().await().statusCode()).isEqualTo(200);
        assertThat(cp.client.getAbs(base + "/health/ready").send().await().statusCode()).isEqualTo(200);
      }
      JsonObject enroll = new JsonObject().put("token", "not-a-token").put("name", "n1");
      // the agent API answers on the internal listener (a malformed or wrong token: 400 or 401), and is not on the
      // metrics listener
      assertThat(cp.client.postAbs(internal + "/agent/v1/enroll").sendJsonObject(enroll).await().statusCode())
          .isIn(400, 401);
      assertThat(cp.client.postAbs(metrics + "/agent/v1/enroll").sendJsonObject(enroll).await().statusCode())
          .isEqualTo(404);
      assertThat(cp.client.postAbs(metrics + "/agent/v1/heartbeat").sendJsonObject(new JsonObject()).await()
          .statusCode()).isEqualTo(404);
    }
    try (ControlPlaneFixture cp = ControlPlaneFixture.start()) {
      assertThat(cp.verticle.metricsPort()).as("unset: the metrics stay on the internal listener").isZero();
      assertThat(cp.client.getAbs(cp.agentApiUrl() + "/metrics").send().await().statusCode()).isEqualTo(200);
    }
    assertThatThrownBy(() -> Config.from(Map.of("MMAAS_ROLES", "migrate", "MMAAS_METRICS_PORT", "70000")))
        .hasMessageContaining("MMAAS_METRICS_PORT must be between 0 and 65535");
  }
}
