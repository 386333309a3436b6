package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #18 item 4: two control-plane replicas (each with every role, a data dir of its own) on one PostgreSQL, two
 * agents, each agent talking to a different replica, as on Kubernetes behind two Services' endpoints. What is done
 * through one replica holds on the other: an upload through one is downloaded by an agent through the other, a
 * deployment made on one is served by both gateways, a key revoked through one stops on both gateways, and one
 * tenant rate holds across both gateways. Figures are printed as {@code [figure]} lines and written to
 * system-tests/target/reports/multi-replica.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("System: two control-plane replicas, two agents, one PostgreSQL")
class MultiReplicaSystemTest {
  static final String TENANT = "/api/v1/tenants/multi";
  static final Figures FIGURES = new Figures("multi-replica.md");

  static SystemFixture sys;
  static SystemFixture.Replica second;
  static List<String> gateways;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    sys = SystemFixture.start("multi", Map.of("MMAAS_AGENT_LEASE_SECONDS", "3", "MMAAS_HEARTBEAT_INTERVAL_SECONDS",
        "1"));
    second = sys.startReplica("multi-cp2", Map.of());
    gateways = List.of(sys.gatewayUrl, second.gatewayUrl());
    sys.post("/api/v1/tenants", new JsonObject().put("name", "multi"));
    quota(100_000, 100_000);
    key = sys.post(TENANT + "/api-keys", new JsonObject().put("name", "app")).getString("key");
    // each agent talks to a different replica's agent API
    sys.startAgent("multi-agent-1");
    sys.startAgent("multi-agent-2", Map.of("MMAAS_AGENT_CONTROL_PLANE_URL", second.internalUrl()));
    sys.await("both agents enrolled", () -> sys.get("/api/v1/agents").getJsonArray("items").size() == 2,
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    FIGURES.write("Two control-plane replicas", "");
    if (sys != null) {
      sys.close();
    }
  }

  static void figure(String line) {
    FIGURES.add(line);
  }

  /** A blocking admin call against the second replica, with the token the first one issued. */
  static HttpResponse<Buffer> onSecond(HttpMethod method, String path, JsonObject body) {
    var req = sys.http.requestAbs(method, second.adminUrl() + path).bearerTokenAuthentication(sys.admin);
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  static void quota(int rate, int burst) {
    assertThat(sys.call(HttpMethod.PUT, TENANT + "/quota", new JsonObject().put("requestsPerSecond", rate)
        .put("burst", burst).put("concurrentRequests", 1_000)).statusCode()).isEqualTo(200);
  }

  static int infer(String gateway, String apiKey) {
    try {
      return sys.http.postAbs(gateway + "/v2/models/chain/infer").timeout(15_000).bearerTokenAuthentication(apiKey)
          .sendJsonObject(SystemFixture.chainZeros(2)).await().statusCode();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static long ms(long fromNanos) {
    return (System.nanoTime() - fromNanos) / 1_000_000;
  }

  @Test
  @Order(1)
  @DisplayName("a model uploaded through the second replica, deployed through the first, is loaded by both agents "
      + "(each downloading through its own replica) and served by both gateways")
  void uploadOnOneServeEverywhere() throws Exception {
    assertThat(onSecond(HttpMethod.POST, TENANT + "/models", new JsonObject().put("name", "chain")).statusCode())
        .isEqualTo(201);
    HttpResponse<Buffer> up = sys.http.postAbs(second.adminUrl() + TENANT + "/models/chain/versions")
        .bearerTokenAuthentication(sys.admin).putHeader("Content-Type", "application/octet-stream")
        .sendBuffer(Buffer.buffer(OnnxModels.chain(256, 8, 7))).await();
    assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(201);
    String deployment = sys.post(TENANT + "/deployments", new JsonObject().put("model", "chain").put("replicas", 2))
        .getString("id");
    long deployed = System.nanoTime();
    sys.await("both replicas READY, one on each agent", () -> readyOn(deployment).values().stream().distinct()
        .count() == 2, Duration.ofSeconds(90));
    long ready = ms(deployed);
    for (String gateway : gateways) {
      sys.await("served through " + gateway, () -> infer(gateway, key) == 200, Duration.ofSeconds(10));
    }
    figure("uploaded through replica 2, deployed through replica 1: both replicas READY (one per agent, each "
        + "agent downloading through its own replica) " + ready + " ms after the deployment; 200 through both "
        + "gateways");
  }

  @Test
  @Order(2)
  @DisplayName("a key revoked through one replica is refused by both gateways within a second")
  void revocationReachesBothGateways() throws Exception {
    JsonObject created = sys.post(TENANT + "/api-keys", new JsonObject().put("name", "short-lived"));
    String shortLived = created.getString("key");
    for (String gateway : gateways) {
      sys.await("new key works on " + gateway, () -> infer(gateway, shortLived) == 200, Duration.ofSeconds(10));
    }
    long revoked = System.nanoTime();
    assertThat(onSecond(HttpMethod.DELETE, TENANT + "/api-keys/" + created.getString("id"), null).statusCode())
        .isEqualTo(200);
    long acknowledged = ms(revoked);
    Map<String, Long> refusedAfter = new TreeMap<>();
    while (refusedAfter.size() < gateways.size() && ms(revoked) < 10_000) {
      for (int i = 0; i < gateways.size(); i++) {
        if (!refusedAfter.containsKey("gateway " + (i + 1)) && infer(gateways.get(i), shortLived) == 401) {
          refusedAfter.put("gateway " + (i + 1), ms(revoked));
        }
      }
      Thread.sleep(10);
    }
    figure("key revoked through replica 2 (answered in " + acknowledged + " ms): refused after " + refusedAfter
        + " ms");
    assertThat(refusedAfter).hasSize(2);
    assertThat(refusedAfter.values()).allMatch(t -> t <= 1_000, "≤ 1 s on both gateways");
    assertThat(infer(gateways.get(0), key)).isEqualTo(200);
  }

  @Test
  @Order(3)
  @DisplayName("one tenant rate holds across both gateways: each enforces rate/N of it")
  void rateAcrossGateways() throws Exception {
    int rate = 20;
    int burst = 20;
    int seconds = 6;
    quota(rate, burst);
    try {
      // the gateways learn the quota through the same change announcements as keys; give them a moment and drain
      // the bucket they started from
      Thread.sleep(1_500);
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger throttled = new AtomicInteger();
      AtomicInteger other = new AtomicInteger();
      int[] perGateway = new int[gateways.size()];
      AtomicInteger next = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      for (int t = 0; t < 6; t++) {
        Thread thread = new Thread(() -> {
          while (System.nanoTime() < end) {
            int g = Math.floorMod(next.getAndIncrement(), gateways.size());
            int status = infer(gateways.get(g), key);
            if (status == 200) {
              admitted.incrementAndGet();
              synchronized (perGateway) {
                perGateway[g]++;
              }
            } else if (status == 429) {
              throttled.incrementAndGet();
            } else {
              other.incrementAndGet();
            }
          }
        });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
      int bound = rate * seconds + burst;
      figure("tenant rate " + rate + "/s, burst " + burst + ", " + seconds + " s of load spread over both gateways: "
          + admitted + " admitted (gateway 1: " + perGateway[0] + ", gateway 2: " + perGateway[1] + "), "
          + throttled + " throttled (429), " + other + " other; bound rate·T + burst = " + bound);
      assertThat(other.get()).isZero();
      assertThat(throttled.get()).as("the load was above the rate").isPositive();
      // a quota change moves each gateway's bucket; allow one membership step of slack over the documented bound
      assertThat(admitted.get()).isLessThanOrEqualTo(bound + rate);
      assertThat(admitted.get()).as("both gateways admit their share").isGreaterThanOrEqualTo(rate * seconds / 2);
      assertThat(perGateway[0]).isPositive();
      assertThat(perGateway[1]).isPositive();
    } finally {
      quota(100_000, 100_000);
    }
  }

  /** READY replicas of a deployment: replica id to agent name. */
  static Map<String, String> readyOn(String deployment) {
    return sys.readyOn(TENANT + "/deployments/" + deployment);
  }
}
