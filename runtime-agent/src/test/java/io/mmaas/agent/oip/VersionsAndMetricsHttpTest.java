package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("versioned model paths and the metrics endpoint")
class VersionsAndMetricsHttpTest {
  private static final String KEY = "versions-serving-key";
  private static final Pattern SAMPLE =
      Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? -?[0-9.eE+-]+|NaN");
  private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+");

  @TempDir static Path dir;
  private static OrtModelRuntime runtime;
  private static final ReplicaTable replicas = new ReplicaTable();
  private WebClient client;
  private int port;

  @BeforeAll
  static void load() throws Exception {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
    runtime.load("r1", Files.write(dir.resolve("m.onnx"), OnnxModels.mlp(2, 4, 2, 1)), RuntimeOptions.DEFAULT);
    replicas.put(new ReplicaStatus("r1", "my \"model\"", 4, ReplicaState.READY, null, 1));
  }

  @AfterAll
  static void close() {
    runtime.close();
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext testContext) {
    ServingKey key = new ServingKey();
    key.set(KEY);
    ServingVerticle serving =
        new ServingVerticle(new ServingVerticle.Settings("127.0.0.1", 0, 1 << 16, 2), runtime, replicas, key);
    client = WebClient.create(vertx);
    vertx.deployVerticle(serving).onComplete(testContext.succeeding(id -> {
      port = serving.actualPort();
      testContext.completeNow();
    }));
  }

  private static JsonObject request() {
    return new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
        .put("datatype", "FP32").put("shape", new JsonArray().add(1).add(2)).put("data", new JsonArray().add(1).add(2))));
  }

  @Test
  @DisplayName("the desired version answers metadata, readiness and inference under /versions/{v}; another version is 404")
  void versionedPaths(VertxTestContext testContext) {
    String base = "/v2/models/r1/versions/";
    String auth = "Bearer " + KEY;
    client.get(port, "127.0.0.1", base + "4").putHeader("Authorization", auth).send()
        .compose(meta -> {
          testContext.verify(() -> {
            assertThat(meta.statusCode()).isEqualTo(200);
            assertThat(meta.bodyAsJsonObject().getJsonArray("versions")).isEqualTo(new JsonArray().add("4"));
          });
          return client.get(port, "127.0.0.1", base + "4/ready").putHeader("Authorization", auth).send();
        })
        .compose(ready -> {
          testContext.verify(() -> assertThat(ready.statusCode()).isEqualTo(200));
          return client.post(port, "127.0.0.1", base + "4/infer").putHeader("Authorization", auth)
              .sendJsonObject(request());
        })
        .compose(infer -> {
          testContext.verify(() -> {
            assertThat(infer.statusCode()).isEqualTo(200);
            assertThat(infer.bodyAsJsonObject().getString("model_version")).isEqualTo("4");
          });
          return client.post(port, "127.0.0.1", base + "5/infer").putHeader("Authorization", auth)
              .sendJsonObject(request());
        })
        .compose(wrong -> {
          testContext.verify(() -> {
            assertThat(wrong.statusCode()).isEqualTo(404);
            assertThat(wrong.bodyAsJsonObject().getString("error")).contains("version 5");
          });
          return client.get(port, "127.0.0.1", base + "5/ready").putHeader("Authorization", auth).send();
        })
        .onComplete(testContext.succeeding(wrongReady -> testContext.verify(() -> {
          assertThat(wrongReady.statusCode()).isEqualTo(404);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("/metrics needs no key and is valid Prometheus text with per-model request, latency and batch series")
  void metricsExposition(VertxTestContext testContext) {
    client.post(port, "127.0.0.1", "/v2/models/r1/infer").putHeader("Authorization", "Bearer " + KEY)
        .sendJsonObject(request())
        .compose(ok -> client.post(port, "127.0.0.1", "/v2/models/r1/infer").putHeader("Authorization", "Bearer " + KEY)
            .sendJsonObject(new JsonObject().put("inputs", new JsonArray())))
        .compose(bad -> client.get(port, "127.0.0.1", "/metrics").send())
        .onComplete(testContext.succeeding(m -> testContext.verify(() -> {
          assertThat(m.statusCode()).isEqualTo(200);
          assertThat(m.getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
          String text = m.bodyAsString();
          for (String line : text.split("\n")) {
            assertThat(SAMPLE.matcher(line).matches() || COMMENT.matcher(line).matches())
                .as("exposition line: %s", line).isTrue();
          }
          String labels = "model=\"my \\\"model\\\"\",version=\"4\"";
          assertThat(text)
              .contains("# TYPE mmaas_agent_request_duration_seconds histogram")
              .contains("mmaas_agent_info{execution_provider=\"CPU\"} 1")
              .contains("mmaas_agent_requests_total{" + labels + ",code=\"200\"} ")
              .contains("mmaas_agent_requests_total{" + labels + ",code=\"400\"} 1")
              .contains("mmaas_agent_request_errors_total{" + labels + "} 1")
              .contains("mmaas_agent_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} ")
              .contains("mmaas_agent_queue_duration_seconds_count{" + labels + "} ")
              .contains("mmaas_agent_batch_size_bucket{" + labels + ",le=\"1.0\"} ");
          testContext.completeNow();
        })));
  }
}
