package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.PrivatePostgres;
import io.mmaas.controlplane.testing.TcpLink;
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
 * Issue #16's fault cases on real processes: a private PostgreSQL cluster (never the machine's shared server), the
 * packaged control plane, two agents with their model hosts, and a deployment of two replicas (one per agent) under
 * steady load through the gateway. In order: (a) PostgreSQL stopped {@code -m immediate} for
 * {@code -Dmmaas.fault.outageSeconds} (20 s by default); (d) one agent killed -9 mid-inference; (f) the remaining
 * agent cut off from the agent API (a TCP proxy) for longer than its lease while the gateway still reaches it. After
 * each: every acknowledged admin write is there and the audit chain verifies (g). Figures are printed as
 * {@code [figure]} lines and written to system-tests/target/reports/faults.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("System: fault cases with real processes (database stopped, agent killed, agent cut off)")
class FaultSuiteSystemTest {
  static final int LEASE_SECONDS = 3;
  static final int OUTAGE_SECONDS = Integer.getInteger("mmaas.fault.outageSeconds", 20);
  static final String TENANT = "/api/v1/tenants/faults";
  static final Figures FIGURES = new Figures("faults.md");

  static PrivatePostgres pg;
  static TcpLink agentLink;
  static SystemFixture sys;
  static String key;
  static String deployment;

  @BeforeAll
  static void start() throws Exception {
    pg = PrivatePostgres.start();
    sys = SystemFixture.start("faults", Map.of("MMAAS_AGENT_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
        "MMAAS_HEARTBEAT_INTERVAL_SECONDS", "1"), TestDatabase.create(pg.serverUrl()));
    sys.post("/api/v1/tenants", new JsonObject().put("name", "faults"));
    assertThat(sys.call(HttpMethod.PUT, TENANT + "/quota", new JsonObject().put("requestsPerSecond", 100_000)
        .put("burst", 100_000).put("concurrentRequests", 1_000)).statusCode()).isEqualTo(200);
    key = sys.post(TENANT + "/api-keys", new JsonObject().put("name", "app")).getString("key");
    sys.post(TENANT + "/models", new JsonObject().put("name", "chain"));
    sys.upload("faults", "chain", OnnxModels.chain(256, 20, 7));
    // fault-agent-1 reaches the agent API through a link the test can cut (case f); the gateway reaches its hosts
    agentLink = TcpLink.to(sys.agentApiUrl);
    sys.startAgent("fault-agent-1", Map.of("MMAAS_AGENT_CONTROL_PLANE_URL", agentLink.url()));
    sys.startAgent("fault-agent-2");
    sys.await("both agents enrolled", () -> sys.get("/api/v1/agents").getJsonArray("items").size() == 2,
        Duration.ofSeconds(60));
    deployment = sys.post(TENANT + "/deployments", new JsonObject().put("model", "chain").put("replicas", 2))
        .getString("id");
    sys.await("both replicas READY on two agents", () -> readyOn().values().stream().distinct().count() == 2,
        Duration.ofSeconds(90));
    sys.await("served", () -> infer(4) == 200, Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      FIGURES.write("Fault suite", "outage " + OUTAGE_SECONDS + " s, lease " + LEASE_SECONDS + " s");
      if (sys != null) {
        sys.close(); // drops its database: PostgreSQL runs again (case (a) starts it in a finally)
      }
    } finally {
      if (agentLink != null) {
        agentLink.close();
      }
      if (pg != null) {
        pg.close();
      }
    }
  }

  static void figure(String line) {
    FIGURES.add(line);
  }

  static int infer(int rows) {
    return sys.http.postAbs(sys.gatewayUrl + "/v2/models/chain/infer").timeout(15_000).bearerTokenAuthentication(key)
        .sendJsonObject(SystemFixture.chainZeros(rows)).await().statusCode();
  }

  /** READY replicas of the deployment: replica id to agent name. */
  static Map<String, String> readyOn() {
    return sys.readyOn(TENANT + "/deployments/" + deployment);
  }

  static Map<String, String> agentUrls() {
    Map<String, String> out = new TreeMap<>();
    for (Object o : sys.get("/api/v1/agents").getJsonArray("items")) {
      out.put(((JsonObject) o).getString("name"), ((JsonObject) o).getString("servingUrl"));
    }
    return out;
  }

  /** What shows a replica load on one agent: its hosts' pids, host crashes, and "loaded" lines in its log. */
  record AgentView(Map<String, Long> hostPids, double hostCrashes, long loads) {
    static AgentView of(JavaProcess agent, String url) throws Exception {
      Map<String, Long> pids = new TreeMap<>();
      JsonArray hosts = sys.http.getAbs(url + "/hosts").timeout(10_000).send().await().bodyAsJsonObject()
          .getJsonArray("hosts");
      for (Object o : hosts) {
        pids.put(((JsonObject) o).getString("name"), ((JsonObject) o).getLong("pid"));
      }
      return new AgentView(pids, sys.metric(url, "mmaas_agent_host_crashes_total", 0.0),
          agent.countLines(" loaded on "));
    }
  }

  static Map<String, AgentView> views(List<JavaProcess> agents) throws Exception {
    Map<String, String> urls = agentUrls();
    Map<String, AgentView> out = new TreeMap<>();
    for (JavaProcess a : agents) {
      String name = a.name();
      out.put(name, AgentView.of(a, urls.get(name)));
    }
    return out;
  }

  /** One admin write (a tenant named {@code name}), bounded: whether it was acknowledged. */
  static boolean adminWrite(String name, List<String> acknowledged) {
    try {
      HttpResponse<Buffer> r = sys.http.postAbs(sys.adminUrl + "/api/v1/tenants").timeout(10_000)
          .bearerTokenAuthentication(sys.admin).sendJsonObject(new JsonObject().put("name", name)).await();
      if (r.statusCode() == 201 || r.statusCode() == 200) {
        acknowledged.add(name);
        return true;
      }
      return false;
    } catch (RuntimeException e) {
      return false;
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

  static long ms(long fromNanos) {
    return (System.nanoTime() - fromNanos) / 1_000_000;
  }

  @Test
  @Order(1)
  @DisplayName("(a) PostgreSQL stopped -m immediate under steady load: no failed request, no replica reloaded")
  void databaseStopped() throws Exception {
    List<JavaProcess> agents = List.copyOf(sys.agents);
    Map<String, String> placementBefore = readyOn();
    Map<String, AgentView> before = views(agents);
    List<String> acknowledged = new ArrayList<>();
    int attempted = 0;
    for (int i = 0; i < 2; i++, attempted++) {
      assertThat(adminWrite("a-before-" + i, acknowledged)).isTrue();
    }
    long outageMillis;
    long backMillis;
    try (SteadyLoad load = new SteadyLoad(sys, key, "chain", SystemFixture.chainZeros(4), 1, 50, false)) {
      load.awaitOk(20, 10_000);
      int okBefore = load.ok.get();
      long stopped = System.nanoTime();
      pg.stopImmediately();
      try {
        for (int i = 0; ms(stopped) < OUTAGE_SECONDS * 1000L && i < 10_000; i++, attempted++) {
          adminWrite("a-during-" + i, acknowledged);
          Thread.sleep(2_000);
        }
      } finally {
        outageMillis = ms(stopped);
        pg.startServer();
      }
      long started = System.nanoTime();
      int okDuring = load.ok.get() - okBefore;
      for (int i = 0; !adminWrite("a-after-" + i, acknowledged) && i < 100; i++) {
        attempted++;
        Thread.sleep(100);
      }
      attempted++;
      backMillis = ms(started);
      // past the scheduler's grace (one lease period of heartbeats) and its first judgement of the leases
      Thread.sleep((3L * LEASE_SECONDS + 2) * 1000);
      load.close();
      figure(String.format("(a) PostgreSQL stopped -m immediate for %d ms under load: %s (%d answered during the "
          + "outage); admin write acknowledged %d ms after PostgreSQL accepted connections again", outageMillis,
          load, okDuring, backMillis));
      Map<String, AgentView> after = views(agents);
      Map<String, String> placementAfter = readyOn();
      long reloads = 0;
      for (String agent : before.keySet()) {
        reloads += after.get(agent).loads() - before.get(agent).loads();
        figure(String.format("(a) %s: host pids %s -> %s, host crashes %.0f -> %.0f, replica loads %d -> %d", agent,
            before.get(agent).hostPids(), after.get(agent).hostPids(), before.get(agent).hostCrashes(),
            after.get(agent).hostCrashes(), before.get(agent).loads(), after.get(agent).loads()));
      }
      figure("(a) replicas before " + placementBefore + ", after " + placementAfter + "; replicas reloaded: " + reloads);
      assertThat(load.failed.get()).as("failed data-plane requests: " + load).isZero();
      assertThat(okDuring).as("requests answered during the outage").isPositive();
      assertThat(reloads).as("replica loads after the outage").isZero();
      for (String agent : before.keySet()) {
        assertThat(after.get(agent).hostPids()).as(agent + "'s host pids").isEqualTo(before.get(agent).hostPids());
        assertThat(after.get(agent).hostCrashes()).isEqualTo(before.get(agent).hostCrashes());
      }
      assertThat(placementAfter).isEqualTo(placementBefore);
    }
    checkAdminWrites("(a)", acknowledged, attempted);
  }
  @Test
  @Order(2)
  @DisplayName("(d) an agent killed -9 mid-inference: its hosts exit, the gateway routes around it at once, the "
      + "replica is READY on the other agent after the lease; no failure seen by a client that retries once")
  void agentKilled() throws Exception {
    JavaProcess victim = sys.agents.get(1);
    JavaProcess survivor = sys.agents.get(0);
    Map<String, String> urls = agentUrls();
    String victimUrl = urls.get(victim.name());
    List<Long> hostPids = List.copyOf(AgentView.of(victim, victimUrl).hostPids().values());
    assertThat(hostPids).isNotEmpty();
    List<java.net.URI> hostUrls = sys.http.getAbs(victimUrl + "/hosts").timeout(10_000).send().await()
        .bodyAsJsonObject().getJsonArray("hosts").stream()
        .map(h -> java.net.URI.create(((JsonObject) h).getString("url"))).toList();
    List<String> acknowledged = new ArrayList<>();
    int attempted = 0;
    assertThat(adminWrite("d-before", acknowledged)).isTrue();
    attempted++;
    long killed;
    long hostsRefuse = -1;
    long hostsGone = -1;
    long released = -1;
    long readyElsewhere = -1;
    boolean inFlight = false;
    try (SteadyLoad noRetry = new SteadyLoad(sys, key, "chain", SystemFixture.chainZeros(64), 2, 0, false);
         SteadyLoad oneRetry = new SteadyLoad(sys, key, "chain", SystemFixture.chainZeros(64), 2, 0, true)) {
      noRetry.awaitOk(10, 20_000);
      oneRetry.awaitOk(10, 20_000);
      // mid-inference: a request running or queued in the victim's host when it is killed
      for (int i = 0; i < 200 && !inFlight; i++) {
        inFlight = sys.metric(victimUrl, "mmaas_agent_pending_requests", 0.0) > 0;
      }
      killed = System.nanoTime();
      victim.kill();
      // the hosts' ports refuse connections once they have exited; their pids go once they are reaped (re-parented
      // to the init process when the agent died, which reaps on its own schedule)
      for (int i = 0; i < 2_000 && (hostsRefuse < 0 || hostsGone < 0 && ms(killed) < 5_000); i++) {
        if (hostsRefuse < 0 && hostUrls.stream().allMatch(FaultSuiteSystemTest::refuses)) {
          hostsRefuse = ms(killed);
        }
        if (hostsGone < 0
            && hostPids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
          hostsGone = ms(killed);
        }
        Thread.sleep(5);
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (readyElsewhere < 0 && System.nanoTime() < deadline) {
        Map<String, String> ready = readyOn();
        if (released < 0 && !ready.containsValue(victim.name())) {
          released = ms(killed);
        }
        if (ready.size() == 2 && !ready.containsValue(victim.name())) {
          readyElsewhere = ms(killed);
        }
        if (attempted < 10) {
          adminWrite("d-during-" + attempted, acknowledged);
          attempted++;
        }
        Thread.sleep(100);
      }
      noRetry.awaitOk(20, 10_000);
      oneRetry.awaitOk(20, 10_000);
      noRetry.close();
      oneRetry.close();
      long lastFailure = Math.max(noRetry.lastFailureNanos.get(), oneRetry.lastFailureNanos.get());
      figure(String.format("(d) agent killed -9 %s: its %d model host(s) refused connections %d ms after (they halt "
              + "when their stdin closes; process gone from the process table %d ms after); the control plane "
              + "released its replica %d ms after (lease %d s), READY on %s %d ms after; last failed attempt %s",
          inFlight ? "with a request in its host" : "(no request seen in its host)",
          hostPids.size(), hostsRefuse, hostsGone, released, LEASE_SECONDS, survivor.name(), readyElsewhere,
          lastFailure == 0 ? "none" : ((lastFailure - killed) / 1_000_000) + " ms after the kill"));
      figure("(d) client without retry: " + noRetry);
      figure("(d) client with one retry: " + oneRetry);
      assertThat(hostsRefuse).as("the victim's hosts stop serving").isBetween(0L, 5_000L);
      assertThat(readyElsewhere).as("READY on the other agent").isPositive();
      assertThat(oneRetry.failed.get()).as("failed after one retry: " + oneRetry).isZero();
      assertThat(noRetry.failed.get() + oneRetry.firstAttemptFailed.get())
          .as("first attempts failed: at most those in flight at the victim (4 client threads)")
          .isLessThanOrEqualTo(4);
      if (lastFailure != 0) {
        assertThat((lastFailure - killed) / 1_000_000).as("failures only while the hosts died")
            .isLessThan(hostsRefuse + 1_000);
      }
    }
    assertThat(adminWrite("d-after", acknowledged)).isTrue();
    attempted++;
    checkAdminWrites("(d)", acknowledged, attempted);
  }

  @Test
  @Order(3)
  @DisplayName("(f) the only agent cut off from the agent API for 3 leases, the gateway still reaching it: every "
      + "request served, nothing released, nothing reloaded on rejoining")
  void agentCutOff() throws Exception {
    JavaProcess agent = sys.agents.get(0);
    assertThat(sys.agents.get(1).alive()).as("case (d) left one agent").isFalse();
    String url = agentUrls().get(agent.name());
    Map<String, String> placementBefore = readyOn();
    assertThat(placementBefore).hasSize(2).containsValue(agent.name());
    AgentView before = AgentView.of(agent, url);
    int disruptionsBefore = sys.get("/api/v1/audit-events?action=scheduler.full_disruption").getJsonArray("items")
        .size();
    List<String> acknowledged = new ArrayList<>();
    int attempted = 0;
    assertThat(adminWrite("f-before", acknowledged)).isTrue();
    attempted++;
    long cutMillis = 3_000L * LEASE_SECONDS + 1_000;
    long rejoined;
    boolean sawOffline = false;
    Map<String, String> placementDuring;
    try (SteadyLoad load = new SteadyLoad(sys, key, "chain", SystemFixture.chainZeros(4), 1, 50, false)) {
      load.awaitOk(20, 10_000);
      long cut = System.nanoTime();
      agentLink.cut();
      try {
        while (ms(cut) < cutMillis) {
          sawOffline |= "OFFLINE".equals(agentState(agent.name()));
          adminWrite("f-during-" + attempted, acknowledged);
          attempted++;
          Thread.sleep(500);
        }
        placementDuring = readyOn();
      } finally {
        agentLink.restore();
      }
      long restored = System.nanoTime();
      sys.await("the agent heartbeats again", () -> "READY".equals(agentState(agent.name())),
          Duration.ofSeconds(20));
      rejoined = ms(restored);
      Thread.sleep(2_000L * LEASE_SECONDS); // past several heartbeats and scheduler ticks
      load.close();
      AgentView after = AgentView.of(agent, url);
      int disruptions = sys.get("/api/v1/audit-events?action=scheduler.full_disruption").getJsonArray("items")
          .size() - disruptionsBefore;
      figure(String.format("(f) %s cut off from the agent API for %d ms (lease %d s; seen OFFLINE: %s), the "
              + "gateway still reaching its host: %s; replicas during the cut %s; scheduler.full_disruption events: "
              + "%d; heartbeating again %d ms after the link was restored", agent.name(), cutMillis, LEASE_SECONDS,
          sawOffline, load, placementDuring, disruptions, rejoined));
      figure(String.format("(f) %s: host pids %s -> %s, replica loads %d -> %d, host crashes %.0f -> %.0f",
          agent.name(), before.hostPids(), after.hostPids(), before.loads(), after.loads(), before.hostCrashes(),
          after.hostCrashes()));
      assertThat(sawOffline).as("the lease lapsed during the cut").isTrue();
      assertThat(load.failed.get()).as("failed requests: " + load).isZero();
      assertThat(placementDuring).as("nothing released during the cut").isEqualTo(placementBefore);
      assertThat(readyOn()).isEqualTo(placementBefore);
      assertThat(after.hostPids()).isEqualTo(before.hostPids());
      assertThat(after.loads()).as("replica loads").isEqualTo(before.loads());
      assertThat(disruptions).as("the full disruption is audited once").isEqualTo(1);
    }
    assertThat(adminWrite("f-after", acknowledged)).isTrue();
    attempted++;
    checkAdminWrites("(f)", acknowledged, attempted);
  }

  /** Whether a TCP connection to {@code url}'s port is refused (nothing listens there any more). */
  static boolean refuses(java.net.URI url) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()), 200);
      return false;
    } catch (java.net.ConnectException e) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static String agentState(String name) {
    for (Object o : sys.get("/api/v1/agents").getJsonArray("items")) {
      if (name.equals(((JsonObject) o).getString("name"))) {
        return ((JsonObject) o).getString("state");
      }
    }
    return null;
  }
}
