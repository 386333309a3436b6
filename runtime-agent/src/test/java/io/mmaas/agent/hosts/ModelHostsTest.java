package io.mmaas.agent.hosts;

import static io.mmaas.agent.testing.FakeControlPlane.replicaOf;
import static io.mmaas.agent.testing.FakeControlPlane.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.agent.app.AgentConfig;
import io.mmaas.agent.app.AgentVerticle;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.testing.FakeControlPlane;
import io.mmaas.onnx.HostileModels;
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
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with real model-host processes and real ONNX Runtime, against a control plane speaking the agent API:
 * a tenant's crashing model or input takes down only its own host.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("model hosts: one tenant's crash harms only its own host")
class ModelHostsTest {
  private static final byte[] MLP = OnnxModels.mlp(4, 6, 2, 3);

  @TempDir Path dataDir;
  private FakeControlPlane controlPlane;
  private WebClient client;

  @BeforeEach
  void startControlPlane(Vertx vertx, VertxTestContext testContext) {
    controlPlane = new FakeControlPlane();
    client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    vertx.deployVerticle(controlPlane).onComplete(testContext.succeedingThenComplete());
  }

  private Future<AgentVerticle> startAgent(Vertx vertx, java.util.function.UnaryOperator<AgentConfig.Hosts> hosts) {
    AgentConfig config = new AgentConfig(controlPlane.url(), FakeControlPlane.TOKEN, "agent-under-test", "127.0.0.1",
        0, null, dataDir, ExecutionProviderPreference.CPU, 1024 * 1024, 2);
    AgentVerticle agent = new AgentVerticle(config.withHosts(hosts.apply(config.hosts())), Clock.systemUTC());
    return vertx.deployVerticle(agent).map(id -> agent);
  }

  private static int portOf(AgentVerticle agent, String replicaId) {
    String url = agent.replicas().find(replicaId).map(ReplicaStatus::servingUrl).orElseThrow();
    return URI.create(url).getPort();
  }

  private Future<HttpResponse<Buffer>> infer(int port, String replicaId, JsonArray inputs) {
    return client.post(port, "127.0.0.1", "/v2/models/" + replicaId + "/infer")
        .putHeader("Authorization", "Bearer " + controlPlane.servingKey)
        .sendJsonObject(new JsonObject().put("inputs", inputs));
  }

  private static JsonArray mlpInput() {
    return new JsonArray().add(new JsonObject().put("name", "input").put("datatype", "FP32")
        .put("shape", new JsonArray().add(1).add(4)).put("data", new JsonArray().add(1).add(0.5).add(-1).add(2)));
  }

  private static JsonArray division(int x, int y) {
    return new JsonArray()
        .add(new JsonObject().put("name", "x").put("datatype", "INT32").put("shape", new JsonArray().add(1))
            .put("data", new JsonArray().add(x)))
        .add(new JsonObject().put("name", "y").put("datatype", "INT32").put("shape", new JsonArray().add(1))
            .put("data", new JsonArray().add(y)));
  }

  /** Sends B's requests back to back until stopped, counting failures. */
  private static final class SteadyLoad {
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    volatile boolean stop;
  }

  private void loop(SteadyLoad load, int port, String replicaId) {
    if (load.stop) {
      return;
    }
    infer(port, replicaId, mlpInput()).onComplete(done -> {
      if (done.succeeded() && done.result().statusCode() == 200) {
        load.ok.incrementAndGet();
      } else {
        load.failed.incrementAndGet();
      }
      loop(load, port, replicaId);
    });
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an integer division by zero kills tenant A's host only: B serves on with 0 failures, A is READY again")
  void crashHarmsOnlyItsHost(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(1, controlPlane.offer("a-div", "divide", 1, HostileModels.integerDivision(), "tenant-a"),
        controlPlane.offer("b-mlp", "mlp", 1, MLP, "tenant-b"));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(
        hb -> "READY".equals(stateOf(hb, "a-div")) && "READY".equals(stateOf(hb, "b-mlp")));
    SteadyLoad load = new SteadyLoad();
    AtomicLong crashedAt = new AtomicLong();
    AtomicLong notReadyAt = new AtomicLong();
    Object[] agent = new Object[1];
    startAgent(vertx, h -> h)
        .compose(a -> {
          agent[0] = a;
          return ready;
        })
        .compose(hb -> {
          AgentVerticle a = (AgentVerticle) agent[0];
          testContext.verify(() -> assertThat(portOf(a, "a-div")).as("two tenants, two hosts")
              .isNotEqualTo(portOf(a, "b-mlp")));
          loop(load, portOf(a, "b-mlp"), "b-mlp");
          return infer(portOf(a, "a-div"), "a-div", division(6, 0)); // 6 / (1 - 0): fine
        })
        .compose(fine -> {
          testContext.verify(() -> assertThat(fine.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0)
              .getJsonArray("data").getInteger(0)).isEqualTo(6));
          Future<JsonObject> down = controlPlane.awaitHeartbeat(hb -> !"READY".equals(stateOf(hb, "a-div")))
              .onSuccess(x -> notReadyAt.set(System.nanoTime()));
          crashedAt.set(System.nanoTime());
          return client.post(portOf((AgentVerticle) agent[0], "a-div"), "127.0.0.1", "/v2/models/a-div/infer")
              .putHeader("Authorization", "Bearer " + controlPlane.servingKey).putHeader("X-Request-Id", "req-42")
              .sendJsonObject(new JsonObject().put("inputs", division(6, 1))) // 6 / 0: SIGFPE
              .transform(answer -> {
                testContext.verify(() -> assertThat(answer.failed()).as("the connection dies with the host").isTrue());
                return down;
              });
        })
        .compose(down -> {
          testContext.verify(() -> assertThat(replicaOf(down, "a-div").orElseThrow().getString("reason"))
              .isEqualTo("crashed its runtime: SIGFPE during inference of request req-42 (1 of 3 crashes before "
                  + "quarantine); loading it again"));
          return controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "a-div")));
        })
        .compose(again -> infer(portOf((AgentVerticle) agent[0], "a-div"), "a-div", division(6, 3)))
        .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
          load.stop = true;
          long detect = TimeUnit.NANOSECONDS.toMillis(notReadyAt.get() - crashedAt.get());
          System.out.printf("crash to not-ready report: %d ms; B served %d requests meanwhile, %d failed%n", detect,
              load.ok.get(), load.failed.get());
          assertThat(answer.statusCode()).isEqualTo(200);
          assertThat(answer.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data")
              .getInteger(0)).isEqualTo(-3); // 6 / (1 - 3)
          assertThat(load.failed.get()).as("tenant B's failed requests").isZero();
          assertThat(load.ok.get()).isPositive();
          assertThat(detect).as("crash noticed and reported within 1 s").isLessThan(1000);
          testContext.completeNow();
        })));
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a replica that crashes its host 3 times in 10 minutes is quarantined with the reason, and not loaded")
  void quarantine(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(1, controlPlane.offer("a-div", "divide", 1, HostileModels.integerDivision(), "tenant-a"));
    Object[] agent = new Object[1];
    startAgent(vertx, h -> h)
        .compose(a -> {
          agent[0] = a;
          return crashWhenReady(a, 1);
        })
        .compose(x -> crashWhenReady((AgentVerticle) agent[0], 2))
        .compose(x -> crashWhenReady((AgentVerticle) agent[0], 3))
        .compose(x -> controlPlane.awaitHeartbeat(hb -> replicaOf(hb, "a-div")
            .map(r -> r.getBoolean("quarantined", false)).orElse(false)))
        .onComplete(testContext.succeeding(hb -> testContext.verify(() -> {
          JsonObject replica = replicaOf(hb, "a-div").orElseThrow();
          assertThat(replica.getString("state")).isEqualTo("FAILED");
          assertThat(replica.getString("reason"))
              .isEqualTo("quarantined: crashed its runtime 3 times in 10 min: SIGFPE during inference");
          assertThat(replica.getValue("servingUrl")).isNull();
          assertThat(((AgentVerticle) agent[0]).replicas().find("a-div").orElseThrow().quarantined()).isTrue();
          testContext.completeNow();
        })));
  }

  private Future<Void> crashWhenReady(AgentVerticle agent, int attempt) {
    return awaitReady(agent, "a-div", 60_000)
        .compose(x -> infer(portOf(agent, "a-div"), "a-div", division(1, 1)).transform(done -> {
          System.out.println("crash " + attempt + ": " + (done.failed() ? done.cause() : done.result().statusCode()));
          return Future.<Void>succeededFuture();
        }))
        .compose(x -> awaitNot(agent, "a-div", 10_000));
  }

  private Future<Void> awaitReady(AgentVerticle agent, String id, long withinMs) {
    return poll(() -> agent.replicas().find(id).map(r -> r.servingUrl() != null).orElse(false), withinMs);
  }

  private Future<Void> awaitNot(AgentVerticle agent, String id, long withinMs) {
    return poll(() -> agent.replicas().find(id).map(r -> r.servingUrl() == null).orElse(true), withinMs);
  }

  private Future<Void> poll(java.util.function.BooleanSupplier condition, long withinMs) {
    io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + withinMs;
    Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
    vertx.setPeriodic(20, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        promise.tryFail("condition not met within " + withinMs + " ms");
      }
    });
    return promise.future();
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a model that divides is not warmed up on zeros (x / 0 would kill its host): it loads and answers")
  void syntheticWarmUpCrash(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(1, controlPlane.offer("a-div", "divide", 1, HostileModels.plainIntegerDivision(), "tenant-a"));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "a-div")));
    Object[] agent = new Object[1];
    startAgent(vertx, h -> h)
        .compose(a -> {
          agent[0] = a;
          return ready;
        })
        .compose(hb -> {
          testContext.verify(() -> assertThat(replicaOf(hb, "a-div").orElseThrow().getString("reason"))
              .isEqualTo("warm-up skipped: the model divides, and zeros would divide by zero"));
          return infer(portOf((AgentVerticle) agent[0], "a-div"), "a-div", division(9, 3));
        })
        .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
          assertThat(answer.statusCode()).isEqualTo(200);
          assertThat(answer.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data")
              .getInteger(0)).isEqualTo(3);
          assertThat(((AgentVerticle) agent[0]).replicas().find("a-div").orElseThrow().reason())
              .as("no crash, no reload").isEqualTo("warm-up skipped: the model divides, and zeros would divide by zero");
          testContext.completeNow();
        })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName("warm-up samples run in the host; a sample that fails is reported and the replica serves anyway")
  void warmUpSamples(Vertx vertx, VertxTestContext testContext) {
    JsonObject good = new JsonObject().put("inputs", division(8, 3));
    JsonObject bad = new JsonObject().put("inputs", new JsonArray().add(division(1, 0).getJsonObject(0)));
    controlPlane.desire(1,
        controlPlane.offer("a-good", "divide", 1, HostileModels.integerDivision(), "tenant-a")
            .put("warmUp", new JsonArray().add(good)),
        controlPlane.offer("a-bad", "divide2", 1, HostileModels.integerDivision(), "tenant-a")
            .put("warmUp", new JsonArray().add(good).add(bad)));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(
        hb -> "READY".equals(stateOf(hb, "a-good")) && "READY".equals(stateOf(hb, "a-bad")));
    startAgent(vertx, h -> h)
        .compose(a -> ready)
        .onComplete(testContext.succeeding(hb -> testContext.verify(() -> {
          assertThat(replicaOf(hb, "a-good").orElseThrow().getValue("reason")).isNull();
          assertThat(replicaOf(hb, "a-bad").orElseThrow().getString("reason"))
              .startsWith("warm-up failed (serving anyway): sample 2: ").contains("'y'");
          testContext.completeNow();
        })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a model that allocates without bound kills its own host at the memory ceiling, not the node")
  void allocationBomb(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(1, controlPlane.offer("a-bomb", "bomb", 1, HostileModels.allocationBomb(), "tenant-a"),
        controlPlane.offer("b-mlp", "mlp", 1, MLP, "tenant-b"));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(
        hb -> "READY".equals(stateOf(hb, "a-bomb")) && "READY".equals(stateOf(hb, "b-mlp")));
    Object[] agent = new Object[1];
    long ceiling = 512L << 20;
    startAgent(vertx, h -> new AgentConfig.Hosts(h.isolation(), ceiling, h.threads(), h.maxTasks(), 256L << 20,
        h.javaOptions(), h.ports(), h.quarantineCrashes(), h.quarantineWindowSeconds()))
        .compose(a -> {
          agent[0] = a;
          return ready;
        })
        .compose(hb -> {
          Future<JsonObject> down = controlPlane.awaitHeartbeat(hb2 -> !"READY".equals(stateOf(hb2, "a-bomb")));
          JsonArray huge = new JsonArray().add(new JsonObject().put("name", "n").put("datatype", "INT64")
              .put("shape", new JsonArray().add(1)).put("data", new JsonArray().add(1L << 30))); // 4 GiB of floats
          return infer(portOf((AgentVerticle) agent[0], "a-bomb"), "a-bomb", huge).transform(x -> down);
        })
        .compose(down -> {
          testContext.verify(() -> assertThat(replicaOf(down, "a-bomb").orElseThrow().getString("reason"))
              .startsWith("crashed its runtime: killed for going over its memory ceiling of 512 MiB (SIGKILL) "
                  + "during inference"));
          return infer(portOf((AgentVerticle) agent[0], "b-mlp"), "b-mlp", mlpInput());
        })
        .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
          assertThat(answer.statusCode()).as("the other tenant's host lives").isEqualTo(200);
          testContext.completeNow();
        })));
  }
}
