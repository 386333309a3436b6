package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.mmaas.agent.testing.GatedRuntime;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("dynamic batching, admission and metrics over HTTP")
class BatchingAndAdmissionHttpTest {
  private static final String KEY = "batching-serving-key";
  private static final int IN = 6;
  private static final int OUT = 4;
  private static final int CLIENTS = 8;
  private static final OnnxModels.Mlp reference = OnnxModels.mlpWeights(IN, 16, OUT, 5);

  @TempDir static Path dir;
  private static OrtModelRuntime ort;
  private static GatedRuntime gated;

  @BeforeAll
  static void load() throws Exception {
    ort = new OrtModelRuntime(ExecutionProviderPreference.CPU);
    gated = new GatedRuntime(ort);
    Path file = Files.write(dir.resolve("mlp.onnx"), OnnxModels.mlp(IN, 16, OUT, 5));
    ort.load("batched", file, new RuntimeOptions(1, 1, CLIENTS, 200_000));
    ort.load("plain", file, RuntimeOptions.DEFAULT);
  }

  @AfterAll
  static void close() {
    gated.close();
  }

  private static ReplicaTable table() {
    ReplicaTable table = new ReplicaTable();
    table.put(new ReplicaStatus("batched", "mlp-batched", 7, ReplicaState.READY, null, 1));
    table.put(new ReplicaStatus("plain", "mlp-plain", 3, ReplicaState.READY, null, 1));
    return table;
  }

  private static Future<ServingVerticle> deploy(Vertx vertx, ServingVerticle.Settings settings,
      io.mmaas.agent.runtime.ModelRuntime runtime) {
    ServingKey key = new ServingKey();
    key.set(KEY);
    ServingVerticle serving = new ServingVerticle(settings, runtime, table(), key);
    return vertx.deployVerticle(serving).map(id -> serving);
  }

  private static float[] row(int i) {
    float[] row = new float[IN];
    for (int c = 0; c < IN; c++) {
      row[c] = (i + 1) * 0.31f - c * 0.57f;
    }
    return row;
  }

  private static Future<HttpResponse<Buffer>> send(WebClient client, int port, String path, float[] row) {
    JsonArray data = new JsonArray();
    for (float v : row) {
      data.add(v);
    }
    JsonObject body = new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
        .put("datatype", "FP32").put("shape", new JsonArray().add(1).add(IN)).put("data", data)));
    return client.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + KEY).sendJsonObject(body);
  }

  private static float[] output(HttpResponse<Buffer> response) {
    JsonArray data = response.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
    float[] out = new float[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.getFloat(i);
    }
    return out;
  }

  private static long sample(String metrics, String line) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.E]+)$").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  @DisplayName("concurrent requests to a batching replica are run together and each gets the same numbers as unbatched")
  void batchedMatchesUnbatched(Vertx vertx, VertxTestContext testContext) {
    WebClient client = WebClient.create(vertx);
    deploy(vertx, new ServingVerticle.Settings("127.0.0.1", 0, 1 << 20, 2), ort).onComplete(
        testContext.succeeding(serving -> {
          int port = serving.actualPort();
          List<Future<HttpResponse<Buffer>>> batched = new ArrayList<>();
          for (int i = 0; i < CLIENTS; i++) {
            batched.add(send(client, port, "/v2/models/batched/infer", row(i)));
          }
          Future.all(batched).compose(done -> {
            List<Future<HttpResponse<Buffer>>> plain = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
              plain.add(send(client, port, "/v2/models/plain/infer", row(i)));
            }
            return Future.all(plain).map(p -> plain);
          }).compose(plain -> client.get(port, "127.0.0.1", "/metrics").send().map(m -> {
            testContext.verify(() -> {
              for (int i = 0; i < CLIENTS; i++) {
                assertThat(batched.get(i).result().statusCode()).isEqualTo(200);
                float[] got = output(batched.get(i).result());
                float[] alone = output(plain.get(i).result());
                float[] expected = reference.forward(row(i));
                for (int c = 0; c < OUT; c++) {
                  assertThat(got[c]).as("request %d output %d", i, c).isCloseTo(alone[c], within(1e-5f));
                  assertThat(got[c]).isCloseTo(expected[c], within(1e-5f));
                }
              }
              String text = m.bodyAsString();
              String labels = "{model=\"mlp-batched\",version=\"7\"}";
              assertThat(sample(text, "mmaas_agent_batch_size_sum" + labels)).isEqualTo(CLIENTS);
              assertThat(sample(text, "mmaas_agent_batch_size_count" + labels))
                  .as("runs for %d requests", CLIENTS).isBetween(1L, (long) CLIENTS / 2);
              assertThat(sample(text, "mmaas_agent_batch_size_count{model=\"mlp-plain\",version=\"3\"}"))
                  .isEqualTo(CLIENTS);
            });
            return m;
          })).onComplete(testContext.succeedingThenComplete());
        }));
  }

  @Test
  @DisplayName("over the admission bound the agent answers 503 at once, and the request in flight still succeeds")
  void queueFull(Vertx vertx, VertxTestContext testContext) {
    WebClient client = WebClient.create(vertx);
    deploy(vertx, new ServingVerticle.Settings("127.0.0.1", 0, 1 << 20, 1, 1), gated).onComplete(
        testContext.succeeding(serving -> {
          int port = serving.actualPort();
          Future<HttpResponse<Buffer>> held = send(client, port, "/v2/models/plain/infer", row(0));
          until(vertx, () -> gated.waiting() == 1)
              .compose(v -> send(client, port, "/v2/models/plain/infer", row(1)))
              .compose(rejected -> {
                testContext.verify(() -> {
                  assertThat(rejected.statusCode()).isEqualTo(503);
                  assertThat(rejected.bodyAsJsonObject().getString("error")).contains("too many requests");
                  assertThat(held.isComplete()).isFalse();
                });
                gated.open(1);
                return held;
              })
              .compose(first -> {
                testContext.verify(() -> assertThat(first.statusCode()).isEqualTo(200));
                return client.get(port, "127.0.0.1", "/metrics").send();
              })
              .onComplete(testContext.succeeding(m -> testContext.verify(() -> {
                String labels = "model=\"mlp-plain\",version=\"3\"";
                assertThat(sample(m.bodyAsString(), "mmaas_agent_requests_total{" + labels + ",code=\"503\"}"))
                    .isGreaterThanOrEqualTo(1);
                testContext.completeNow();
              })));
        }));
  }

  /** Completes once {@code condition} holds, checking every few milliseconds. */
  private static Future<Void> until(Vertx vertx, BooleanSupplier condition) {
    Promise<Void> promise = Promise.promise();
    vertx.setPeriodic(2, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      }
    });
    return promise.future();
  }
}
