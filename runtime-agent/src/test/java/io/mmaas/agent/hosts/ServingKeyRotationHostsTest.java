package io.mmaas.agent.hosts;

import static io.mmaas.agent.testing.FakeControlPlane.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.agent.app.AgentConfig;
import io.mmaas.agent.app.AgentVerticle;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.testing.FakeControlPlane;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with real model-host processes and real ONNX Runtime, against a control plane speaking the agent API,
 * rotating the agent's serving key.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("serving key rotation: running model hosts take the new key without a reload")
class ServingKeyRotationHostsTest {
  private static final byte[] MLP = OnnxModels.mlp(4, 6, 2, 3);
  private static final long OVERLAP_MS = 8_000;

  @TempDir Path dataDir;

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName("hosts accept old and new key until the overlap after confirmation ends, then only the new; a restart keeps it")
  void rotation(Vertx vertx) throws Exception {
    FakeControlPlane controlPlane = new FakeControlPlane();
    vertx.deployVerticle(controlPlane).await();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    String oldKey = controlPlane.servingKey;
    String newKey = "rotated-serving-key-" + java.util.UUID.randomUUID();

    // two tenants, so two hosts: both must get the key
    controlPlane.desire(1, controlPlane.offer("a-mlp", "mlp", 1, MLP, "tenant-a"),
        controlPlane.offer("b-mlp", "mlp", 1, MLP, "tenant-b"));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(
        hb -> "READY".equals(stateOf(hb, "a-mlp")) && "READY".equals(stateOf(hb, "b-mlp")));
    AgentVerticle agent = startAgent(vertx, controlPlane);
    ready.await();
    int portA = portOf(agent, "a-mlp");
    int portB = portOf(agent, "b-mlp");
    assertThat(portA).isNotEqualTo(portB);
    List<Object> pids = pids(client, agent);
    int downloads = controlPlane.artifactCalls.get();
    Future<JsonObject> notReady = controlPlane.awaitHeartbeat(
        hb -> !"READY".equals(stateOf(hb, "a-mlp")) || !"READY".equals(stateOf(hb, "b-mlp")));

    // a gateway presenting the confirmed (old) key keeps calling throughout the hand-over
    Load old = new Load(client, portA, "a-mlp", oldKey);
    old.run();
    Future<JsonObject> confirmed = controlPlane.awaitHeartbeat(hb -> hb.getInteger("servingKeyGeneration", 0) == 1);
    controlPlane.rotateServingKey(1, newKey, OVERLAP_MS);
    confirmed.await();
    long confirmedAt = System.nanoTime();

    for (int port : new int[] {portA, portB}) {
      String replica = port == portA ? "a-mlp" : "b-mlp";
      assertThat(infer(client, port, replica, newKey).statusCode()).as("new key, host " + replica).isEqualTo(200);
      assertThat(infer(client, port, replica, oldKey).statusCode()).as("old key in the overlap").isEqualTo(200);
    }
    // the gateway switches to the confirmed key; the old one is refused once the overlap has passed
    old.stop = true;
    Load fresh = new Load(client, portA, "a-mlp", newKey);
    fresh.run();
    await(() -> infer(client, portB, "b-mlp", oldKey).statusCode() == 401, 15_000);
    long refusedAfterMs = (System.nanoTime() - confirmedAt) / 1_000_000;
    assertThat(refusedAfterMs).as("the old key is accepted for the overlap after confirmation")
        .isGreaterThanOrEqualTo(OVERLAP_MS - 1_000); // the timer starts at the answer, after our confirmation
    assertThat(infer(client, portA, "a-mlp", oldKey).statusCode()).isEqualTo(401);
    assertThat(infer(client, portA, "a-mlp", newKey).statusCode()).isEqualTo(200);
    fresh.stop = true;
    await(() -> fresh.inFlight.get() == 0 && old.inFlight.get() == 0, 10_000);
    System.out.printf("[serving key rotation] old key: %d ok, %d failed; new key: %d ok, %d failed; "
            + "old key refused %d ms after confirmation (overlap %d ms)%n",
        old.ok.get(), old.failed.get(), fresh.ok.get(), fresh.failed.get(), refusedAfterMs, OVERLAP_MS);
    assertThat(old.failed.get()).as("requests with the old key during the hand-over").isZero();
    assertThat(fresh.failed.get()).as("requests with the new key").isZero();
    assertThat(old.ok.get()).isPositive();
    assertThat(pids(client, agent)).as("the same host processes: nothing restarted").isEqualTo(pids);
    assertThat(controlPlane.artifactCalls.get()).as("nothing downloaded again").isEqualTo(downloads);
    assertThat(notReady.isComplete()).as("no replica left READY (no reload)").isFalse();
    JsonObject file = new JsonObject(Files.readString(dataDir.resolve("agent.json")));
    assertThat(file.getString("servingKey")).isEqualTo(newKey);
    assertThat(file.getInteger("servingKeyGeneration")).isEqualTo(1);
    assertThat(file.getValue("previousServingKey")).as("the old key is forgotten").isNull();

    // a restart keeps the new key (from the file), and the hosts it starts accept only that one
    vertx.undeploy(agent.deploymentID()).await();
    Future<JsonObject> readyAgain = controlPlane.awaitHeartbeat(
        hb -> "READY".equals(stateOf(hb, "a-mlp")) && hb.getInteger("servingKeyGeneration", 0) == 1);
    AgentVerticle restarted = startAgent(vertx, controlPlane);
    readyAgain.await();
    int port = portOf(restarted, "a-mlp");
    assertThat(infer(client, port, "a-mlp", newKey).statusCode()).isEqualTo(200);
    assertThat(infer(client, port, "a-mlp", oldKey).statusCode()).isEqualTo(401);
  }

  private AgentVerticle startAgent(Vertx vertx, FakeControlPlane controlPlane) {
    AgentConfig config = new AgentConfig(controlPlane.url(), FakeControlPlane.TOKEN, "agent-under-test", "127.0.0.1",
        0, null, dataDir, ExecutionProviderPreference.CPU, 1024 * 1024, 2);
    AgentVerticle agent = new AgentVerticle(config, Clock.systemUTC());
    vertx.deployVerticle(agent).await();
    return agent;
  }

  private static List<Object> pids(WebClient client, AgentVerticle agent) {
    JsonArray hosts = client.get(agent.servingPort(), "127.0.0.1", "/hosts").send().await().bodyAsJsonObject()
        .getJsonArray("hosts");
    return hosts.stream().map(h -> ((JsonObject) h).getValue("pid")).sorted((a, b) -> a.toString()
        .compareTo(b.toString())).toList();
  }

  private static int portOf(AgentVerticle agent, String replicaId) {
    String url = agent.replicas().find(replicaId).map(ReplicaStatus::servingUrl).orElseThrow();
    return URI.create(url).getPort();
  }

  private static HttpResponse<Buffer> infer(WebClient client, int port, String replicaId, String key) {
    return client.post(port, "127.0.0.1", "/v2/models/" + replicaId + "/infer")
        .putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(new JsonObject().put("inputs", mlpInput())).await();
  }

  private static JsonArray mlpInput() {
    return new JsonArray().add(new JsonObject().put("name", "input").put("datatype", "FP32")
        .put("shape", new JsonArray().add(1).add(4)).put("data", new JsonArray().add(1).add(0.5).add(-1).add(2)));
  }

  private static void await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within " + timeoutMs + " ms").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Requests back to back with one key until stopped, counting answers. */
  private static final class Load {
    final WebClient client;
    final int port;
    final String replicaId;
    final String key;
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean stop;

    Load(WebClient client, int port, String replicaId, String key) {
      this.client = client;
      this.port = port;
      this.replicaId = replicaId;
      this.key = key;
    }

    void run() {
      if (stop) {
        return;
      }
      inFlight.incrementAndGet();
      client.post(port, "127.0.0.1", "/v2/models/" + replicaId + "/infer")
          .putHeader("Authorization", "Bearer " + key)
          .sendJsonObject(new JsonObject().put("inputs", mlpInput())).onComplete(done -> {
            (done.succeeded() && done.result().statusCode() == 200 ? ok : failed).incrementAndGet();
            inFlight.decrementAndGet();
            run();
          });
    }
  }
}
