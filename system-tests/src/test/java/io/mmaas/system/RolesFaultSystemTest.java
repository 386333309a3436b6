package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.DatabaseLink;
import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.TestDatabase;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #16's fault cases that need the roles apart (item 3), on real processes: one control process running
 * {@code admin,agent-api,scheduler}, two gateway-only processes of the same jar, one agent with its model host, and
 * every control-plane process reaching PostgreSQL through a TCP link the test can freeze. In order: (e) the database
 * link frozen (not refused); (b) the control process killed -9 and started again; (c) one of the two gateways killed
 * -9. After each: every acknowledged admin write is there and the audit chain verifies (g). Figures are printed as
 * {@code [figure]} lines and written to system-tests/target/reports/roles-faults.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("System: gateways in processes of their own (database link frozen, admin/scheduler killed, a gateway "
    + "killed)")
class RolesFaultSystemTest {
  static final int LEASE_SECONDS = 3;
  static final int ADMIN_TIMEOUT_MS = 3_000;
  static final int FREEZE_SECONDS = Integer.getInteger("mmaas.fault.freezeSeconds", 12);
  static final String TENANT = "/api/v1/tenants/roles";
  static final Figures FIGURES = new Figures("roles-faults.md");

  static TestDatabase db;
  static DatabaseLink link;
  static SystemFixture sys;
  static String key;
  static String deployment;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.create();
    link = DatabaseLink.to(db.url());
    // fixed ports: the agent and the test must find the control process again after it is killed and restarted
    sys = SystemFixture.start("roles", Map.of(
        "MMAAS_ROLES", "admin,agent-api,scheduler",
        "MMAAS_DATABASE_URL", link.url(),
        "MMAAS_ADMIN_PORT", Integer.toString(SystemFixture.freePort()),
        "MMAAS_AGENT_API_PORT", Integer.toString(SystemFixture.freePort()),
        "MMAAS_AGENT_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
        "MMAAS_HEARTBEAT_INTERVAL_SECONDS", "1",
        "MMAAS_ADMIN_REQUEST_TIMEOUT_MS", Integer.toString(ADMIN_TIMEOUT_MS)), db);
    assertThat(sys.gatewayUrl).as("the control process runs no gateway").isNull();
    sys.startGateway("roles-gateway-1", Map.of());
    sys.startGateway("roles-gateway-2", Map.of());
    sys.post("/api/v1/tenants", new JsonObject().put("name", "roles"));
    assertThat(sys.call(HttpMethod.PUT, TENANT + "/quota", new JsonObject().put("requestsPerSecond", 100_000)
        .put("burst", 100_000).put("concurrentRequests", 1_000)).statusCode()).isEqualTo(200);
    key = sys.post(TENANT + "/api-keys", new JsonObject().put("name", "app")).getString("key");
    sys.post(TENANT + "/models", new JsonObject().put("name", "chain"));
    sys.upload("roles", "chain", OnnxModels.chain(256, 8, 7));
    sys.startAgent("roles-agent");
    deployment = sys.post(TENANT + "/deployments", new JsonObject().put("model", "chain").put("replicas", 1))
        .getString("id");
    for (String gateway : sys.gatewayUrls) {
      sys.await("served through " + gateway, () -> infer(gateway) == 200, Duration.ofSeconds(90));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      FIGURES.write("Roles fault cases", "lease " + LEASE_SECONDS + " s, freeze " + FREEZE_SECONDS + " s");
      if (sys != null) {
        sys.close();
      }
    } finally {
      if (link != null) {
        link.close();
      }
    }
  }

  static void figure(String line) {
    FIGURES.add(line);
  }

  static int infer(String gateway) {
    try {
      return sys.http.postAbs(gateway + "/v2/models/chain/infer").timeout(15_000).bearerTokenAuthentication(key)
          .sendJsonObject(SystemFixture.chainZeros(4)).await().statusCode();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static long ms(long fromNanos) {
    return (System.nanoTime() - fromNanos) / 1_000_000;
  }

  /** One admin write (a tenant named {@code name}), bounded: its status, or -1 when no answer came. */
  static int adminWrite(String name, List<String> acknowledged) {
    try {
      HttpResponse<Buffer> r = sys.http.postAbs(sys.adminUrl + "/api/v1/tenants").timeout(ADMIN_TIMEOUT_MS + 5_000L)
          .bearerTokenAuthentication(sys.admin).sendJsonObject(new JsonObject().put("name", name)).await();
      if (r.statusCode() == 201 || r.statusCode() == 200) {
        acknowledged.add(name);
      }
      return r.statusCode();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Case g: every acknowledged write is there, and the audit chain verifies. */
  static void checkAdminWrites(String fault, List<String> acknowledged, int attempted) {
    List<String> missing = acknowledged.stream()
        .filter(name -> sys.call(HttpMethod.GET, "/api/v1/tenants/" + name, null).statusCode() != 200).toList();
    JsonObject verify = sys.get("/api/v1/audit-events/verify");
    figure(fault + ": admin writes " + acknowledged.size() + " of " + attempted + " acknowledged, " + missing.size()
        + " of them missing afterwards; audit chain valid=" + verify.getBoolean("valid") + " (" +
        verify.getLong("checked") + " events checked)");
    assertThat(missing).as("acknowledged admin writes missing after " + fault).isEmpty();
    assertThat(verify.getBoolean("valid")).as(verify.encode()).isTrue();
  }

  /** The agent's host pids and its log's "loaded on" lines: what shows a replica (re)load. */
  static String hostPids() {
    String url = sys.get("/api/v1/agents").getJsonArray("items").getJsonObject(0).getString("servingUrl");
    JsonArray hosts = sys.http.getAbs(url + "/hosts").timeout(10_000).send().await().bodyAsJsonObject()
        .getJsonArray("hosts");
    List<Long> pids = new ArrayList<>();
    hosts.forEach(h -> pids.add(((JsonObject) h).getLong("pid")));
    return pids.toString();
  }

  static long loads() throws Exception {
    return sys.agents.get(0).countLines(" loaded on ");
  }

  static Map<String, String> readyOn() {
    return sys.readyOn(TENANT + "/deployments/" + deployment);
  }

  @Test
  @Order(1)
  @DisplayName("(e) the database link frozen: every admin request ends within its timeout with 503, no data-plane "
      + "request fails on either gateway")
  void linkFrozen() throws Exception {
    List<String> acknowledged = new ArrayList<>();
    int attempted = 0;
    assertThat(adminWrite("e-before", acknowledged)).isEqualTo(201);
    attempted++;
    List<Integer> statuses = new ArrayList<>();
    long slowest = 0;
    long thawedToOk;
    try (SteadyLoad load = new SteadyLoad(sys, sys.gatewayUrls, key, "chain", SystemFixture.chainZeros(4), 2, 50,
        false)) {
      load.awaitOk(20, 10_000);
      int okBefore = load.ok.get();
      long frozen = System.nanoTime();
      link.freeze();
      try {
        while (ms(frozen) < FREEZE_SECONDS * 1000L) {
          long t = System.nanoTime();
          statuses.add(adminWrite("e-during-" + attempted, acknowledged));
          attempted++;
          slowest = Math.max(slowest, ms(t));
          Thread.sleep(500);
        }
      } finally {
        link.unfreeze();
      }
      int okDuring = load.ok.get() - okBefore;
      long thawed = System.nanoTime();
      for (int i = 0; adminWrite("e-after-" + i, acknowledged) != 201 && i < 200; i++) {
        attempted++;
        Thread.sleep(50);
      }
      attempted++;
      thawedToOk = ms(thawed);
      load.awaitOk(20, 10_000);
      load.close();
      figure(String.format("(e) database link frozen %d s under load through 2 gateways: %s (%d answered while "
              + "frozen); %d admin writes while frozen answered %s, slowest %d ms (timeout %d ms); an admin write "
              + "acknowledged %d ms after the link thawed", FREEZE_SECONDS, load, okDuring, statuses.size(),
          new TreeMap<>(statuses.stream().collect(java.util.stream.Collectors.groupingBy(s -> s,
              java.util.stream.Collectors.counting()))), slowest, ADMIN_TIMEOUT_MS, thawedToOk));
      assertThat(load.failed.get()).as("failed data-plane requests: " + load).isZero();
      assertThat(okDuring).as("requests answered while frozen").isPositive();
      assertThat(statuses).as("admin answers while frozen").isNotEmpty().allMatch(s -> s == 503);
      assertThat(slowest).as("slowest admin request while frozen").isLessThan(ADMIN_TIMEOUT_MS + 1_500L);
    }
    checkAdminWrites("(e)", acknowledged, attempted);
  }

  @Test
  @Order(2)
  @DisplayName("(b) the admin/agent-API/scheduler process killed -9 and started again while two gateway processes "
      + "serve: no failed request, nothing released or reloaded")
  void controlProcessKilled() throws Exception {
    List<String> acknowledged = new ArrayList<>();
    int attempted = 0;
    assertThat(adminWrite("b-before", acknowledged)).isEqualTo(201);
    attempted++;
    Map<String, String> placementBefore = readyOn();
    String pidsBefore = hostPids();
    long loadsBefore = loads();
    long down = 3_000L * LEASE_SECONDS + 2_000;
    long restartMillis;
    try (SteadyLoad load = new SteadyLoad(sys, sys.gatewayUrls, key, "chain", SystemFixture.chainZeros(4), 2, 50,
        false)) {
      load.awaitOk(20, 10_000);
      int okBefore = load.ok.get();
      long killed = System.nanoTime();
      sys.controlPlane.kill();
      while (ms(killed) < down) {
        Thread.sleep(200);
      }
      int okWhileDown = load.ok.get() - okBefore;
      long restarting = System.nanoTime();
      sys.restartControlPlane("roles-control-plane-2");
      restartMillis = ms(restarting);
      // the agent heartbeats to the new process; past the scheduler's grace and its first judgement of the leases
      Thread.sleep((3L * LEASE_SECONDS + 2) * 1000);
      load.close();
      figure(String.format("(b) control process (admin, agent-api, scheduler) killed -9, down %d ms (lease %d s), "
              + "then started again (ready in %d ms), two gateway processes serving: %s (%d answered while it was "
              + "down)", down, LEASE_SECONDS, restartMillis, load, okWhileDown));
      assertThat(load.failed.get()).as("failed data-plane requests: " + load).isZero();
      assertThat(okWhileDown).isPositive();
    }
    Map<String, String> placementAfter = readyOn();
    String pidsAfter = hostPids();
    long reloads = loads() - loadsBefore;
    figure("(b) replicas before " + placementBefore + ", after " + placementAfter + "; host pids " + pidsBefore
        + " -> " + pidsAfter + "; replicas reloaded: " + reloads);
    assertThat(placementAfter).isEqualTo(placementBefore);
    assertThat(pidsAfter).isEqualTo(pidsBefore);
    assertThat(reloads).isZero();
    // the restarted process re-signs in nobody: the admin's token (signed with the same key) still works
    checkAdminWrites("(b)", acknowledged, attempted);
  }

  @Test
  @Order(3)
  @DisplayName("(c) one of two gateway processes killed -9: a client with one retry (to the other gateway) sees no "
      + "failure; the survivor soon counts itself alone for the shared rate limits")
  void gatewayKilled() throws Exception {
    JavaProcess victim = sys.gateways.get(0);
    String survivor = sys.gatewayUrls.get(1);
    long alone = -1;
    try (SteadyLoad noRetry = new SteadyLoad(sys, sys.gatewayUrls, key, "chain", SystemFixture.chainZeros(4), 2, 0,
        false);
         SteadyLoad oneRetry = new SteadyLoad(sys, sys.gatewayUrls, key, "chain", SystemFixture.chainZeros(4), 2, 0,
             true)) {
      noRetry.awaitOk(20, 10_000);
      oneRetry.awaitOk(20, 10_000);
      String survivorInternal = internalUrl(1);
      assertThat(sys.metric(survivorInternal, "mmaas_gateway_replicas", null)).isEqualTo(2.0);
      long killed = System.nanoTime();
      victim.kill();
      while (ms(killed) < 15_000 && alone < 0) {
        if (sys.metric(survivorInternal, "mmaas_gateway_replicas", null) == 1.0) {
          alone = ms(killed);
        }
        Thread.sleep(100);
      }
      noRetry.awaitOk(20, 15_000);
      oneRetry.awaitOk(20, 15_000);
      noRetry.close();
      oneRetry.close();
      figure("(c) one of two gateway processes killed -9 under back-to-back load (requests alternate between the "
          + "gateways, a retry goes to the other one): client without retry: " + noRetry);
      figure("(c) client with one retry: " + oneRetry + "; the surviving gateway counted itself alone for the shared "
          + "tenant rates " + alone + " ms after the kill");
      assertThat(oneRetry.failed.get()).as("failed after one retry: " + oneRetry).isZero();
      assertThat(noRetry.failed.get()).as("without a retry the dead gateway's share fails").isPositive();
      assertThat(alone).as("membership notices the dead gateway").isPositive();
      assertThat(infer(survivor)).isEqualTo(200);
    }
    List<String> acknowledged = new ArrayList<>();
    assertThat(adminWrite("c-after", acknowledged)).isEqualTo(201);
    checkAdminWrites("(c)", acknowledged, 1);
  }

  /** The internal listener (metrics) of the {@code i}-th gateway process, from its ready line. */
  static String internalUrl(int i) throws Exception {
    String line = sys.gateways.get(i).awaitLog("(control plane ready: .*)", Duration.ofSeconds(1));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(SystemFixture.READY).matcher(line);
    assertThat(m.find()).isTrue();
    return m.group(3);
  }
}
