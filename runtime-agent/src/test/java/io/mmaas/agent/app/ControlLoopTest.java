package io.mmaas.agent.app;

import static io.mmaas.agent.testing.FakeControlPlane.replicaOf;
import static io.mmaas.agent.testing.FakeControlPlane.stateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mmaas.agent.controlplane.EnrollmentException;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.testing.FakeControlPlane;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("agent control loop against a control plane speaking the agent API")
class ControlLoopTest {
  private static final int IN = 4;
  private static final int OUT = 2;
  private static final long SEED = 3;
  private static final byte[] MODEL = OnnxModels.mlp(IN, 6, OUT, SEED);

  @TempDir Path dataDir;
  private FakeControlPlane controlPlane;
  private WebClient client;

  @BeforeEach
  void startControlPlane(Vertx vertx, VertxTestContext testContext) {
    controlPlane = new FakeControlPlane();
    client = WebClient.create(vertx);
    vertx.deployVerticle(controlPlane).onComplete(testContext.succeedingThenComplete());
  }

  private AgentConfig config(String token) {
    return new AgentConfig(controlPlane.url(), token, "agent-under-test", "127.0.0.1", 0, null, dataDir,
        ExecutionProviderPreference.AUTO, 1024 * 1024, 2);
  }

  private Future<AgentVerticle> startAgent(Vertx vertx) {
    AgentVerticle agent = new AgentVerticle(config(FakeControlPlane.TOKEN), Clock.systemUTC());
    return vertx.deployVerticle(agent).map(id -> agent);
  }

  private Future<HttpResponse<Buffer>> infer(AgentVerticle agent, String replicaId) {
    JsonObject request = new JsonObject().put("id", "cl-1").put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "input").put("datatype", "FP32").put("shape", new JsonArray().add(1).add(IN))
        .put("data", new JsonArray().add(1).add(0.5).add(-1).add(2))));
    // each replica is served by its model host, at the URL the agent reports; one no longer there is asked of the
    // agent's own port, which serves no model
    int port = agent.replicas().find(replicaId).map(r -> r.servingUrl()).filter(java.util.Objects::nonNull)
        .map(url -> java.net.URI.create(url).getPort()).orElse(agent.servingPort());
    return client.post(port, "127.0.0.1", "/v2/models/" + replicaId + "/infer")
        .putHeader("Authorization", "Bearer " + controlPlane.servingKey)
        .putHeader("X-MMaaS-Model-Name", "iris")
        .putHeader("X-MMaaS-Model-Version", "3")
        .sendJsonObject(request);
  }

  @Test
  @DisplayName("the agent enrolls, downloads, verifies, loads, reports READY, serves, and unloads when no longer desired")
  void fullCycle(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(1, controlPlane.offer("r-1", "iris", 3, MODEL));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "r-1")));
    AtomicReference<AgentVerticle> agent = new AtomicReference<>();

    startAgent(vertx)
        .compose(a -> {
          agent.set(a);
          return ready;
        })
        .compose(heartbeat -> {
          testContext.verify(() -> {
            assertThat(heartbeat.getString("agentId")).isEqualTo(controlPlane.agentId);
            assertThat(heartbeat.getString("servingUrl")).isEqualTo("http://127.0.0.1:" + agent.get().servingPort());
            assertThat(heartbeat.getLong("generation")).isEqualTo(1);
            assertThat(heartbeat.getString("executionProvider")).isEqualTo("CPU");
            JsonObject capabilities = heartbeat.getJsonObject("capabilities");
            assertThat(capabilities.getJsonArray("executionProviders")).isEqualTo(new JsonArray().add("CPU"));
            assertThat(capabilities.getInteger("cpus")).isPositive();
            assertThat(capabilities.getJsonObject("modelHosts").getString("isolation")).isEqualTo("TENANT");
            assertThat(capabilities.getJsonObject("modelHosts").getString("limits")).contains("per host");
            assertThat(capabilities.getLong("hostMemoryBytes")).isPositive();
            assertThat(capabilities.getJsonArray("gpus")).isEmpty();
            JsonObject replica = replicaOf(heartbeat, "r-1").orElseThrow();
            assertThat(replica.getLong("memoryBytes")).isGreaterThanOrEqualTo(MODEL.length);
            assertThat(replica.getValue("reason")).isNull();
            JsonObject enrollment = controlPlane.lastEnrollment();
            assertThat(enrollment.getString("name")).isEqualTo("agent-under-test");
            assertThat(enrollment.getString("servingUrl")).isEqualTo(heartbeat.getString("servingUrl"));
            assertThat(Files.exists(dataDir.resolve("artifacts").resolve(FakeControlPlane.sha256(MODEL) + ".onnx"))).isTrue();
          });
          return infer(agent.get(), "r-1");
        })
        .compose(response -> {
          testContext.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            JsonObject body = response.bodyAsJsonObject();
            assertThat(body.getString("model_name")).isEqualTo("iris");
            assertThat(body.getString("model_version")).isEqualTo("3");
            assertThat(body.getString("id")).isEqualTo("cl-1");
            float[] expected = OnnxModels.mlpWeights(IN, 6, OUT, SEED).forward(new float[] {1, 0.5f, -1, 2});
            JsonArray data = body.getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
            for (int i = 0; i < OUT; i++) {
              assertThat(data.getFloat(i)).isCloseTo(expected[i], within(1e-5f));
            }
          });
          Future<JsonObject> emptied = controlPlane.awaitHeartbeat(
              hb -> hb.getLong("generation") == 2 && hb.getJsonArray("replicas").isEmpty());
          controlPlane.desire(2);
          return emptied;
        })
        .compose(emptied -> infer(agent.get(), "r-1"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(404);
          assertThat(controlPlane.enrollCalls.get()).isEqualTo(1);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("an artifact whose bytes do not match its hash leaves the replica FAILED with 'artifact hash mismatch'")
  void hashMismatch(Vertx vertx, VertxTestContext testContext) {
    byte[] wrong = OnnxModels.mlp(IN, 6, OUT, SEED + 1);
    controlPlane.desire(1, controlPlane.offerCorrupted("r-bad", MODEL, wrong));
    Future<JsonObject> failed = controlPlane.awaitHeartbeat(hb -> "FAILED".equals(stateOf(hb, "r-bad")));

    startAgent(vertx)
        .compose(agent -> failed.compose(heartbeat -> infer(agent, "r-bad").map(response -> {
          testContext.verify(() -> {
            assertThat(replicaOf(heartbeat, "r-bad").orElseThrow().getString("reason")).isEqualTo("artifact hash mismatch");
            assertThat(replicaOf(heartbeat, "r-bad").orElseThrow().getValue("servingUrl")).as("not served").isNull();
            assertThat(response.statusCode()).as("the agent's own port serves no model").isEqualTo(404);
          });
          return heartbeat;
        })))
        .compose(x -> vertx.fileSystem().readDir(dataDir.resolve("artifacts").toString()))
        .onComplete(testContext.succeeding(files -> testContext.verify(() -> {
          assertThat(files).as("neither a partial nor a verified file is left").isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("a model ONNX Runtime cannot load is reported FAILED with its reason while the other replica serves")
  void corruptModel(Vertx vertx, VertxTestContext testContext) {
    byte[] corrupt = java.util.Arrays.copyOf(MODEL, MODEL.length / 2);
    controlPlane.desire(1, controlPlane.offer("r-corrupt", "broken", 1, corrupt), controlPlane.offer("r-1", "iris", 3, MODEL));
    Future<JsonObject> settled = controlPlane.awaitHeartbeat(
        hb -> "FAILED".equals(stateOf(hb, "r-corrupt")) && "READY".equals(stateOf(hb, "r-1")));

    startAgent(vertx)
        .compose(agent -> settled.compose(heartbeat -> infer(agent, "r-1").map(response -> {
          testContext.verify(() -> {
            assertThat(replicaOf(heartbeat, "r-corrupt").orElseThrow().getString("reason"))
                .matches("(invalid model|load failed): .+");
            assertThat(response.statusCode()).isEqualTo(200);
          });
          return response;
        })))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("a desired state older than the one applied is ignored and the replica keeps serving")
  void staleGenerationIgnored(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(5, controlPlane.offer("r-1", "iris", 3, MODEL));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "r-1")));
    AtomicReference<AgentVerticle> agent = new AtomicReference<>();

    startAgent(vertx)
        .compose(a -> {
          agent.set(a);
          return ready;
        })
        .compose(heartbeat -> {
          Future<JsonObject> answeredStale = controlPlane.awaitHeartbeat(hb -> true);
          controlPlane.desire(4); // a lagging control-plane replica answers with an older, empty state
          return answeredStale;
        })
        .compose(heartbeat -> controlPlane.awaitHeartbeat(hb -> true)) // sent after the stale answer was handled
        .compose(heartbeat -> infer(agent.get(), "r-1").map(response -> {
          testContext.verify(() -> {
            assertThat(heartbeat.getLong("generation")).isEqualTo(5);
            assertThat(stateOf(heartbeat, "r-1")).isEqualTo("READY");
            assertThat(response.statusCode()).isEqualTo(200);
          });
          return response;
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("after an outage of the control plane, an empty desired state of the same generation unloads nothing")
  void emptyAnswerAfterOutageUnloadsNothing(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(3, controlPlane.offer("r-1", "iris", 3, MODEL));
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "r-1")));
    AtomicReference<AgentVerticle> agent = new AtomicReference<>();

    startAgent(vertx)
        .compose(a -> {
          agent.set(a);
          return ready;
        })
        .compose(heartbeat -> {
          controlPlane.answerHeartbeatsWith(503); // its database is down
          return controlPlane.awaitHeartbeat(hb -> true).compose(hb -> controlPlane.awaitHeartbeat(x -> true));
        })
        .compose(failed -> infer(agent.get(), "r-1")) // still serving while heartbeats fail
        .compose(during -> {
          testContext.verify(() -> assertThat(during.statusCode()).isEqualTo(200));
          controlPlane.desire(3); // back, but answering from an empty or stale view at the same generation
          controlPlane.answerHeartbeatsWith(200);
          return controlPlane.awaitHeartbeat(hb -> true);
        })
        .compose(answered -> controlPlane.awaitHeartbeat(hb -> true)) // sent after that answer was applied
        .compose(heartbeat -> infer(agent.get(), "r-1").map(response -> {
          testContext.verify(() -> {
            assertThat(heartbeat.getLong("generation")).isEqualTo(3);
            assertThat(stateOf(heartbeat, "r-1")).isEqualTo("READY");
            assertThat(response.statusCode()).isEqualTo(200);
          });
          return response;
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("a generation that went backwards (a database restored from a backup) adds replicas but unloads none until a newer one")
  void generationBackwardsAddsOnly(Vertx vertx, VertxTestContext testContext) {
    JsonObject first = controlPlane.offer("r-1", "iris", 3, MODEL);
    JsonObject second = controlPlane.offer("r-2", "iris", 3, MODEL);
    controlPlane.desire(7, first);
    Future<JsonObject> ready = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "r-1")));
    AtomicReference<AgentVerticle> agent = new AtomicReference<>();

    startAgent(vertx)
        .compose(a -> {
          agent.set(a);
          return ready;
        })
        .compose(heartbeat -> {
          Future<JsonObject> both = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "r-2")));
          controlPlane.desire(2, second); // the restored database knows only r-2, at an older generation
          return both;
        })
        .compose(heartbeat -> infer(agent.get(), "r-1").map(response -> {
          testContext.verify(() -> {
            assertThat(heartbeat.getLong("generation")).isEqualTo(7);
            assertThat(stateOf(heartbeat, "r-1")).isEqualTo("READY");
            assertThat(response.statusCode()).isEqualTo(200);
          });
          return response;
        }))
        .compose(x -> {
          Future<JsonObject> removed = controlPlane.awaitHeartbeat(
              hb -> hb.getLong("generation") == 8 && stateOf(hb, "r-1") == null && "READY".equals(stateOf(hb, "r-2")));
          controlPlane.desire(8, second); // a newer generation really removes r-1
          return removed;
        })
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("a restarted agent with the same data dir does not enroll again and reuses its verified artifact")
  void restartKeepsIdentity(Vertx vertx, VertxTestContext testContext) {
    controlPlane.desire(1, controlPlane.offer("r-1", "iris", 3, MODEL));
    Future<JsonObject> firstReady = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "r-1")));

    startAgent(vertx)
        .compose(first -> firstReady.compose(hb -> vertx.undeploy(first.deploymentID())))
        .compose(undeployed -> {
          Future<JsonObject> secondReady = controlPlane.awaitHeartbeat(hb -> "READY".equals(stateOf(hb, "r-1")));
          return startAgent(vertx).compose(second -> secondReady.compose(hb -> infer(second, "r-1")));
        })
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(controlPlane.enrollCalls.get()).isEqualTo(1);
          assertThat(controlPlane.artifactCalls.get()).isEqualTo(1);
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("agent.json"))))
              .isEqualTo("rw-------");
          assertThat(Files.readString(dataDir.resolve("agent.json"))).contains(controlPlane.agentId);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("a rejected enrollment token fails enrollment for good instead of retrying")
  void rejectedToken(Vertx vertx, VertxTestContext testContext) {
    AgentVerticle agent = new AgentVerticle(config("not-the-token"), Clock.systemUTC());
    vertx.deployVerticle(agent)
        .compose(id -> agent.enrolled())
        .onComplete(testContext.failing(e -> testContext.verify(() -> {
          assertThat(e).isInstanceOf(EnrollmentException.class).hasMessageContaining("HTTP 401");
          assertThat(controlPlane.enrollCalls.get()).isEqualTo(1);
          assertThat(Files.exists(dataDir.resolve("agent.json"))).isFalse();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("the agent is not ready before it has enrolled")
  void notReadyBeforeEnrollment(Vertx vertx, VertxTestContext testContext) {
    AgentVerticle agent = new AgentVerticle(config(null), Clock.systemUTC());
    vertx.deployVerticle(agent)
        .compose(id -> agent.enrolled().otherwiseEmpty())
        .compose(x -> client.get(agent.servingPort(), "127.0.0.1", "/v2/health/ready").send())
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(agent.enrolled().cause()).isInstanceOf(EnrollmentException.class)
              .hasMessageContaining("MMAAS_AGENT_ENROLLMENT_TOKEN is not set");
          assertThat(response.statusCode()).isEqualTo(503);
          assertThat(response.bodyAsJsonObject().getBoolean("ready")).isFalse();
          testContext.completeNow();
        })));
  }
}
