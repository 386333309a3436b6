package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.mmaas.agent.testing.BinaryBodies;
import io.mmaas.agent.testing.GatedRuntime;
import io.mmaas.agent.testing.TwinOutputModel;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(VertxExtension.class)
@DisplayName("OIP serving API over HTTP")
class OipHttpTest {
  private static final String KEY = "serving-key-for-tests";
  private static final String MLP = "mlp-replica";
  private static final String TWIN = "twin-replica";
  private static final String LOADING = "loading-replica";
  private static final int IN = 4;
  private static final int OUT = 3;
  private static final long SEED = 11;
  private static final long MAX_BODY = 64 * 1024;

  @TempDir static Path dir;
  private static OrtModelRuntime runtime;
  private static final ReplicaTable replicas = new ReplicaTable();
  private static final OnnxModels.Mlp reference = OnnxModels.mlpWeights(IN, 8, OUT, SEED);

  private WebClient client;
  private int port;

  @BeforeAll
  static void loadModels() throws Exception {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
    runtime.load(MLP, Files.write(dir.resolve("mlp.onnx"), OnnxModels.mlp(IN, 8, OUT, SEED)), RuntimeOptions.DEFAULT);
    runtime.load(TWIN, Files.write(dir.resolve("twin.onnx"), TwinOutputModel.bytes()), RuntimeOptions.DEFAULT);
    replicas.put(new ReplicaStatus(MLP, "mlp", 3, ReplicaState.READY, null, 1));
    replicas.put(new ReplicaStatus(TWIN, "twin", 1, ReplicaState.READY, null, 1));
    replicas.put(new ReplicaStatus(LOADING, "later", 1, ReplicaState.LOADING, null, 0));
  }

  @AfterAll
  static void unload() {
    runtime.close();
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext testContext) {
    ServingKey key = new ServingKey();
    key.set(KEY);
    ServingVerticle serving =
        new ServingVerticle(new ServingVerticle.Settings("127.0.0.1", 0, MAX_BODY, 2), runtime, replicas, key);
    client = WebClient.create(vertx);
    vertx.deployVerticle(serving).onComplete(testContext.succeeding(id -> {
      port = serving.actualPort();
      testContext.completeNow();
    }));
  }

  private HttpRequest<Buffer> post(String path) {
    return client.post(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + KEY);
  }

  private HttpRequest<Buffer> get(String path) {
    return client.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + KEY);
  }

  private static JsonObject input(String name, String datatype, JsonArray shape, JsonArray data) {
    return new JsonObject().put("name", name).put("datatype", datatype).put("shape", shape).put("data", data);
  }

  private static JsonObject mlpRequest(float[][] rows) {
    JsonArray data = new JsonArray();
    for (float[] row : rows) {
      for (float v : row) {
        data.add(v);
      }
    }
    return new JsonObject().put("inputs", new JsonArray().add(
        input("input", "FP32", new JsonArray().add(rows.length).add(IN), data)));
  }

  private static final float[][] ROWS = {{0.5f, -1f, 2f, 0.25f}, {1f, 1f, -3f, 0f}};

  @Test
  @DisplayName("an inference returns the model's result, with the replica id and desired version as names")
  void inferReturnsResult(VertxTestContext testContext) {
    post("/v2/models/" + MLP + "/infer").sendJsonObject(mlpRequest(ROWS)).onComplete(testContext.succeeding(r ->
        testContext.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
          JsonObject body = r.bodyAsJsonObject();
          assertThat(body.getString("model_name")).isEqualTo(MLP);
          assertThat(body.getString("model_version")).isEqualTo("3");
          assertThat(body.containsKey("id")).isFalse();
          JsonObject output = body.getJsonArray("outputs").getJsonObject(0);
          assertThat(output.getString("name")).isEqualTo("output");
          assertThat(output.getString("datatype")).isEqualTo("FP32");
          assertThat(output.getJsonArray("shape")).isEqualTo(new JsonArray().add(2).add(OUT));
          JsonArray data = output.getJsonArray("data");
          for (int r0 = 0; r0 < ROWS.length; r0++) {
            float[] expected = reference.forward(ROWS[r0]);
            for (int c = 0; c < OUT; c++) {
              assertThat(data.getFloat(r0 * OUT + c)).isCloseTo(expected[c], within(1e-5f));
            }
          }
          testContext.completeNow();
        })));
  }

  /**
   * An agent with one inference thread on its own Vert.x (servers on port 0 share one random port per Vert.x
   * instance, and this one must not join the test's server).
   */
  private record OwnAgent(Vertx vertx, WebClient client, int port) implements AutoCloseable {
    static final int DEEP_WIDTH = 512;

    static OwnAgent start(ModelRuntime runtime, ReplicaTable table) {
      ServingKey key = new ServingKey();
      key.set(KEY);
      Vertx vertx = Vertx.vertx();
      ServingVerticle serving = new ServingVerticle(new ServingVerticle.Settings("127.0.0.1", 0, 16L << 20, 1),
          runtime, table, key);
      vertx.deployVerticle(serving).await();
      return new OwnAgent(vertx, WebClient.create(vertx), serving.actualPort());
    }

    /** Loads a deep chain model (300 layers of 512 × 512) as replica "deep" and serves it. */
    static OwnAgent deep(OrtModelRuntime runtime) throws Exception {
      runtime.load("deep", Files.write(dir.resolve("deep.onnx"), OnnxModels.chain(DEEP_WIDTH, 300, SEED)),
          new RuntimeOptions(1, 1));
      ReplicaTable table = new ReplicaTable();
      table.put(new ReplicaStatus("deep", "deep", 1, ReplicaState.READY, null, 1));
      return start(runtime, table);
    }

    /** {@code rows} rows of zeros for the deep model, binary: 1,024 rows are about 160 GFLOP. */
    Future<HttpResponse<Buffer>> inferDeepRows(int rows) {
      byte[] zeros = new byte[rows * DEEP_WIDTH * 4];
      BinaryBodies.Body body = BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(
          new JsonObject().put("name", "input").put("datatype", "FP32")
              .put("shape", new JsonArray().add(rows).add(DEEP_WIDTH))
              .put("parameters", new JsonObject().put("binary_data_size", zeros.length)))), zeros);
      return client.post(port, "127.0.0.1", "/v2/models/deep/infer").putHeader("Authorization", "Bearer " + KEY)
          .putHeader("Inference-Header-Content-Length", Integer.toString(body.headerLength())).sendBuffer(body.bytes());
    }

    /** This agent's Prometheus text. */
    String metrics() {
      return client.get(port, "127.0.0.1", "/metrics").send().await().bodyAsString();
    }

    @Override
    public void close() {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("a request whose run goes over the agent's time limit gets 504 naming the limit; the next one is served")
  void runOverTheTimeLimit() throws Exception {
    try (OrtModelRuntime limited = new OrtModelRuntime(ExecutionProviderPreference.CPU, 300);
         OwnAgent agent = OwnAgent.deep(limited)) {
      long started = System.nanoTime();
      HttpResponse<Buffer> stopped = agent.inferDeepRows(1024).await();
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(stopped.statusCode()).as(stopped.bodyAsString()).isEqualTo(504);
      assertThat(stopped.bodyAsJsonObject().getString("error")).contains("limit of 300 ms");
      assertThat(millis).isBetween(300L, 3_000L);
      HttpResponse<Buffer> served = agent.inferDeepRows(1).await();
      assertThat(served.statusCode()).as(served.bodyAsString()).isEqualTo(200);
      assertThat(served.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("shape"))
          .isEqualTo(new JsonArray().add(1).add(OwnAgent.DEEP_WIDTH));
    }
  }

  @Test
  @DisplayName("a request whose caller closed the connection while it waited is dropped without running (499 in the metrics)")
  void abandonedRequestsAreNotRun() throws Exception {
    GatedRuntime gated = new GatedRuntime(runtime);
    try (OwnAgent agent = OwnAgent.start(gated, replicas)) {
      // the first request holds the one inference thread at the gate
      Future<HttpResponse<Buffer>> first = agent.client().post(agent.port(), "127.0.0.1", "/v2/models/" + MLP + "/infer")
          .putHeader("Authorization", "Bearer " + KEY).sendJsonObject(mlpRequest(ROWS));
      awaitTrue(() -> gated.waiting() == 1);
      String second = mlpRequest(ROWS).encode();
      // two callers that leave while queued: one on the infer route, one on a path the router serves (escaped)
      try (java.net.Socket direct = new java.net.Socket("127.0.0.1", agent.port());
           java.net.Socket routed = new java.net.Socket("127.0.0.1", agent.port())) {
        for (var call : List.of(Map.entry(direct, "/v2/models/" + MLP + "/infer"),
            Map.entry(routed, "/v2/models/" + MLP.replace("-", "%2D") + "/infer"))) {
          call.getKey().getOutputStream().write(("POST " + call.getValue() + " HTTP/1.1\r\nHost: agent\r\n"
              + "Authorization: Bearer " + KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
              + second.length() + "\r\n\r\n" + second).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          call.getKey().getOutputStream().flush();
        }
        awaitTrue(() -> agent.metrics().contains("mmaas_agent_pending_requests 3")); // queued behind the first
      } // the callers go away
      Thread.sleep(200); // the idle event loop sees the closed connections
      gated.open(3);
      assertThat(first.await().statusCode()).isEqualTo(200);
      awaitTrue(() -> agent.metrics().contains("mmaas_agent_pending_requests 0"));
      String metrics = agent.metrics();
      assertThat(metrics).contains("mmaas_agent_requests_total{model=\"mlp\",version=\"3\",code=\"499\"} 2")
          .contains("mmaas_agent_requests_total{model=\"mlp\",version=\"3\",code=\"200\"} 1");
      assertThat(gated.waiting()).isZero();
      // the abandoned ones never reached the runtime: of the three permits, two are left for the next requests
      assertThat(agent.client().post(agent.port(), "127.0.0.1", "/v2/models/" + MLP + "/infer")
          .putHeader("Authorization", "Bearer " + KEY).sendJsonObject(mlpRequest(ROWS)).await().statusCode())
          .isEqualTo(200);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 250 && !condition.getAsBoolean(); i++) {
      Thread.sleep(20);
    }
    assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
  }

  @Test
  @DisplayName("an empty input (a dimension of 0) is run and answered with an empty output of the matching shape")
  void emptyInput(VertxTestContext testContext) {
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
        .put("datatype", "FP32").put("shape", new JsonArray().add(0).add(4)).put("data", new JsonArray())));
    post("/v2/models/" + MLP + "/infer").sendJsonObject(request).onComplete(testContext.succeeding(r ->
        testContext.verify(() -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
          JsonObject output = r.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0);
          assertThat(output.getJsonArray("shape").getLong(0)).isZero();
          assertThat(output.getJsonArray("data")).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("the request id is echoed and the gateway's model name and version headers are used")
  void idAndGatewayNames(VertxTestContext testContext) {
    post("/v2/models/" + MLP + "/infer")
        .putHeader("X-MMaaS-Model-Name", "fraud-detector")
        .putHeader("X-MMaaS-Model-Version", "7")
        .sendJsonObject(mlpRequest(ROWS).put("id", "request-42"))
        .onComplete(testContext.succeeding(r -> testContext.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          JsonObject body = r.bodyAsJsonObject();
          assertThat(body.getString("id")).isEqualTo("request-42");
          assertThat(body.getString("model_name")).isEqualTo("fraud-detector");
          assertThat(body.getString("model_version")).isEqualTo("7");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("only the requested outputs are returned; all of them when none are named")
  void outputsFilter(VertxTestContext testContext) {
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(
        input("x", "FP32", new JsonArray().add(1).add(3), new JsonArray().add(1.5).add(-2).add(0))));
    Future<HttpResponse<Buffer>> filtered = post("/v2/models/" + TWIN + "/infer")
        .sendJsonObject(request.copy().put("outputs", new JsonArray().add(new JsonObject().put("name", "negated"))));
    Future<HttpResponse<Buffer>> all = filtered.compose(f -> post("/v2/models/" + TWIN + "/infer").sendJsonObject(request));
    all.onComplete(testContext.succeeding(allResponse -> testContext.verify(() -> {
      JsonArray only = filtered.result().bodyAsJsonObject().getJsonArray("outputs");
      assertThat(only).hasSize(1);
      assertThat(only.getJsonObject(0).getString("name")).isEqualTo("negated");
      assertThat(only.getJsonObject(0).getJsonArray("data")).isEqualTo(new JsonArray().add(-1.5).add(2.0).add(-0.0));
      JsonArray both = allResponse.bodyAsJsonObject().getJsonArray("outputs");
      assertThat(both.stream().map(o -> ((JsonObject) o).getString("name"))).containsExactly("same", "negated");
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("model metadata describes inputs and outputs with -1 for dynamic dimensions, under the gateway's names")
  void metadata(VertxTestContext testContext) {
    Future<HttpResponse<Buffer>> plain = get("/v2/models/" + MLP).send();
    Future<HttpResponse<Buffer>> named = plain.compose(p -> get("/v2/models/" + MLP)
        .putHeader("X-MMaaS-Model-Name", "fraud-detector").putHeader("X-MMaaS-Model-Version", "7").send());
    named.onComplete(testContext.succeeding(n -> testContext.verify(() -> {
      JsonObject body = plain.result().bodyAsJsonObject();
      assertThat(plain.result().statusCode()).isEqualTo(200);
      assertThat(body.getString("name")).isEqualTo(MLP);
      assertThat(body.getJsonArray("versions")).isEqualTo(new JsonArray().add("3"));
      assertThat(body.getString("platform")).isEqualTo("onnx_onnxv1");
      assertThat(body.getJsonArray("inputs")).isEqualTo(new JsonArray().add(new JsonObject()
          .put("name", "input").put("datatype", "FP32").put("shape", new JsonArray().add(-1).add(IN))));
      assertThat(body.getJsonArray("outputs")).isEqualTo(new JsonArray().add(new JsonObject()
          .put("name", "output").put("datatype", "FP32").put("shape", new JsonArray().add(-1).add(OUT))));
      JsonObject namedBody = n.bodyAsJsonObject();
      assertThat(namedBody.getString("name")).isEqualTo("fraud-detector");
      assertThat(namedBody.getJsonArray("versions")).isEqualTo(new JsonArray().add("7"));
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("health needs no key, server metadata names the agent, and model readiness follows the replica state")
  void healthAndReadiness(VertxTestContext testContext) {
    Future<HttpResponse<Buffer>> live = client.get(port, "127.0.0.1", "/v2/health/live").send();
    Future<HttpResponse<Buffer>> ready = live.compose(x -> client.get(port, "127.0.0.1", "/v2/health/ready").send());
    Future<HttpResponse<Buffer>> server = ready.compose(x -> get("/v2").send());
    Future<HttpResponse<Buffer>> modelReady = server.compose(x -> get("/v2/models/" + MLP + "/ready").send());
    Future<HttpResponse<Buffer>> notReady = modelReady.compose(x -> get("/v2/models/" + LOADING + "/ready").send());
    notReady.onComplete(testContext.succeeding(x -> testContext.verify(() -> {
      assertThat(live.result().statusCode()).isEqualTo(200);
      assertThat(live.result().bodyAsJsonObject()).isEqualTo(new JsonObject().put("live", true));
      assertThat(ready.result().statusCode()).isEqualTo(200);
      assertThat(ready.result().bodyAsJsonObject()).isEqualTo(new JsonObject().put("ready", true));
      assertThat(server.result().bodyAsJsonObject()).isEqualTo(new JsonObject()
          .put("name", "mmaas-runtime-agent").put("version", "0.1.0").put("extensions", new JsonArray().add("binary_tensor_data")));
      assertThat(modelReady.result().statusCode()).isEqualTo(200);
      assertThat(modelReady.result().bodyAsJsonObject().getBoolean("ready")).isTrue();
      assertThat(notReady.result().statusCode()).isEqualTo(503);
      assertThat(notReady.result().bodyAsJsonObject().getBoolean("ready")).isFalse();
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("requests without the serving key or with a wrong one get 401")
  void unauthorized(VertxTestContext testContext) {
    Future<HttpResponse<Buffer>> none = client.post(port, "127.0.0.1", "/v2/models/" + MLP + "/infer")
        .sendJsonObject(mlpRequest(ROWS));
    Future<HttpResponse<Buffer>> wrong = none.compose(x -> client.post(port, "127.0.0.1", "/v2/models/" + MLP + "/infer")
        .putHeader("Authorization", "Bearer " + KEY + "x").sendJsonObject(mlpRequest(ROWS)));
    Future<HttpResponse<Buffer>> metadata = wrong.compose(x -> client.get(port, "127.0.0.1", "/v2/models/" + MLP)
        .putHeader("Authorization", "Basic " + KEY).send());
    metadata.onComplete(testContext.succeeding(x -> testContext.verify(() -> {
      for (HttpResponse<Buffer> r : List.of(none.result(), wrong.result(), metadata.result())) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("missing or invalid serving key");
      }
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("an unknown replica gets 404 and one that is not ready gets 503")
  void notFoundAndNotReady(VertxTestContext testContext) {
    Future<HttpResponse<Buffer>> unknown = post("/v2/models/no-such-replica/infer").sendJsonObject(mlpRequest(ROWS));
    Future<HttpResponse<Buffer>> loading = unknown.compose(x -> post("/v2/models/" + LOADING + "/infer").sendJsonObject(mlpRequest(ROWS)));
    loading.onComplete(testContext.succeeding(x -> testContext.verify(() -> {
      assertThat(unknown.result().statusCode()).isEqualTo(404);
      assertThat(unknown.result().bodyAsJsonObject().getString("error")).isEqualTo("model no-such-replica not found");
      assertThat(loading.result().statusCode()).isEqualTo(503);
      assertThat(loading.result().bodyAsJsonObject().getString("error")).contains("not ready (LOADING)");
      testContext.completeNow();
    })));
  }

  static Stream<Arguments> badRequests() {
    String good = "\"name\":\"input\",\"datatype\":\"FP32\"";
    return Stream.of(
        Arguments.of("a body that is not JSON", "hello", "malformed JSON"),
        Arguments.of("truncated JSON", "{\"inputs\": [", "malformed JSON"),
        Arguments.of("a JSON array instead of an object", "[1, 2]", "request body must be a JSON object"),
        Arguments.of("no inputs", "{}", "request has no inputs"),
        Arguments.of("empty inputs", "{\"inputs\": []}", "request has no inputs"),
        Arguments.of("an unknown input name",
            "{\"inputs\":[{\"name\":\"bogus\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
            "unknown input 'bogus'"),
        Arguments.of("a duplicate input",
            "{\"inputs\":[{" + good + ",\"shape\":[1,4],\"data\":[1,2,3,4]},{" + good + ",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
            "input 'input' appears more than once"),
        Arguments.of("the wrong datatype",
            "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP64\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
            "has datatype FP64 but the model expects FP32"),
        Arguments.of("an unknown datatype",
            "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP128\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
            "unknown or unsupported datatype 'FP128'"),
        Arguments.of("the wrong rank", "{\"inputs\":[{" + good + ",\"shape\":[4],\"data\":[1,2,3,4]}]}",
            "but the model expects rank 2"),
        Arguments.of("a fixed dimension that does not match",
            "{\"inputs\":[{" + good + ",\"shape\":[1,5],\"data\":[1,2,3,4,5]}]}",
            "dimension 1 is 5 but the model expects 4"),
        Arguments.of("fewer elements than the shape needs",
            "{\"inputs\":[{" + good + ",\"shape\":[1,4],\"data\":[1,2,3]}]}",
            "shape [1, 4] needs 4 elements but data has 3"),
        Arguments.of("more nested elements than the shape needs",
            "{\"inputs\":[{" + good + ",\"shape\":[1,4],\"data\":[[1,2,3,4],[5]]}]}",
            "needs 4 elements but data has 5"),
        Arguments.of("a negative dimension", "{\"inputs\":[{" + good + ",\"shape\":[-1,4],\"data\":[1,2,3,4]}]}",
            "dimension 0 is -1; dimensions must not be negative"),
        Arguments.of("a huge dimension", "{\"inputs\":[{" + good + ",\"shape\":[4611686018427387904,4],\"data\":[1,2,3,4]}]}",
            "elements allowed"),
        Arguments.of("a dimension beyond 64 bits",
            "{\"inputs\":[{" + good + ",\"shape\":[99999999999999999999,4],\"data\":[1,2,3,4]}]}",
            "dimension too large"),
        Arguments.of("a non-integer dimension", "{\"inputs\":[{" + good + ",\"shape\":[1.5,4],\"data\":[1,2,3,4]}]}",
            "shape must be an array of integers"),
        Arguments.of("non-numeric data", "{\"inputs\":[{" + good + ",\"shape\":[1,4],\"data\":[1,\"two\",3,4]}]}",
            "element 1 is a string, not a number"),
        Arguments.of("objects in data", "{\"inputs\":[{" + good + ",\"shape\":[1,4],\"data\":[{\"a\":1}]}]}",
            "not objects"),
        Arguments.of("an input without data", "{\"inputs\":[{" + good + ",\"shape\":[1,4]}]}", "has no data"),
        Arguments.of("an unknown requested output",
            "{\"inputs\":[{" + good + ",\"shape\":[1,4],\"data\":[1,2,3,4]}],\"outputs\":[{\"name\":\"nope\"}]}",
            "unknown output 'nope'"),
        Arguments.of("a numeric id", "{\"id\":5,\"inputs\":[{" + good + ",\"shape\":[1,4],\"data\":[1,2,3,4]}]}",
            "id must be a string"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  @DisplayName("a bad request gets 400 with a clear error")
  void badRequest(String description, String body, String error, VertxTestContext testContext) {
    post("/v2/models/" + MLP + "/infer").sendBuffer(Buffer.buffer(body)).onComplete(testContext.succeeding(r ->
        testContext.verify(() -> {
          assertThat(r.statusCode()).as(description).isEqualTo(400);
          assertThat(r.bodyAsJsonObject().getString("error")).as(description).contains(error);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("a body over the limit gets 413")
  void oversizedBody(VertxTestContext testContext) {
    JsonArray data = new JsonArray();
    for (int i = 0; i < 20_000; i++) {
      data.add(0.123456f);
    }
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(
        input("input", "FP32", new JsonArray().add(5_000).add(IN), data)));
    Buffer body = request.toBuffer();
    assertThat(body.length()).isGreaterThan((int) MAX_BODY);
    post("/v2/models/" + MLP + "/infer").sendBuffer(body).onComplete(testContext.succeeding(r ->
        testContext.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(413);
          assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("request body is larger than " + MAX_BODY + " bytes");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("a streamed body without Content-Length gets 413 once it grows over the limit, and the connection still serves")
  void oversizedStreamedBody(Vertx vertx, VertxTestContext testContext) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(1));
    Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
    http.request(HttpMethod.POST, port, "127.0.0.1", "/v2/models/" + MLP + "/infer")
        .compose(request -> {
          request.setChunked(true).putHeader("Authorization", "Bearer " + KEY);
          for (int i = 0; i < 6; i++) { // 96 KB > 64 KB, in chunks
            request.write(chunk);
          }
          request.end();
          return request.response().compose(r -> r.body().map(body -> Map.entry(r.statusCode(), body)));
        })
        .compose(refused -> http.request(HttpMethod.POST, port, "127.0.0.1", "/v2/models/" + MLP + "/infer")
            .compose(request -> request.putHeader("Authorization", "Bearer " + KEY)
                .send(mlpRequest(ROWS).toBuffer()))
            .compose(r -> r.body().map(body -> List.of(refused, Map.entry(r.statusCode(), body)))))
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          assertThat(answers.get(0).getKey()).isEqualTo(413);
          assertThat(answers.get(0).getValue().toJsonObject().getString("error"))
              .isEqualTo("request body is larger than " + MAX_BODY + " bytes");
          assertThat(answers.get(1).getKey()).isEqualTo(200);
          assertThat(answers.get(1).getValue().toJsonObject().getJsonArray("outputs")).hasSize(1);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Expect: 100-continue is answered before the body is sent; a declared body over the limit gets 413 at once")
  void expectContinue(Vertx vertx, VertxTestContext testContext) {
    HttpClient http = vertx.createHttpClient();
    Buffer body = mlpRequest(ROWS).toBuffer();
    Future<Integer> continued = http.request(HttpMethod.POST, port, "127.0.0.1", "/v2/models/" + MLP + "/infer")
        .compose(request -> {
          Promise<Void> gotContinue = Promise.promise();
          request.putHeader("Authorization", "Bearer " + KEY).putHeader("Expect", "100-continue")
              .putHeader("Content-Length", Integer.toString(body.length()))
              .continueHandler(v -> {
                gotContinue.tryComplete();
                request.end(body);
              });
          request.sendHead();
          return gotContinue.future().compose(v -> request.response()).map(r -> r.statusCode());
        });
    Future<Integer> refused = continued.compose(x ->
        http.request(HttpMethod.POST, port, "127.0.0.1", "/v2/models/" + MLP + "/infer").compose(request -> {
          request.putHeader("Authorization", "Bearer " + KEY).putHeader("Expect", "100-continue")
              .putHeader("Content-Length", Long.toString(MAX_BODY + 1))
              .continueHandler(v -> testContext.failNow("a body over the limit must not be asked for"));
          request.sendHead();
          return request.response().map(r -> r.statusCode());
        }));
    refused.onComplete(testContext.succeeding(status -> testContext.verify(() -> {
      assertThat(continued.result()).isEqualTo(200);
      assertThat(status).isEqualTo(413);
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("after refusing a declared body over the limit that waits for 100-continue, the agent closes the connection")
  void expectContinueRefusedCloses(Vertx vertx, VertxTestContext testContext) {
    Buffer received = Buffer.buffer();
    vertx.createNetClient().connect(port, "127.0.0.1").onComplete(testContext.succeeding(socket -> {
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> testContext.verify(() -> {
        assertThat(received.toString()).startsWith("HTTP/1.1 413").contains("request body is larger than")
            .doesNotContain("100 Continue");
        testContext.completeNow();
      }));
      socket.write("POST /v2/models/" + MLP + "/infer HTTP/1.1\r\nHost: agent\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + (MAX_BODY + 1)
          + "\r\n\r\n");
    }));
  }

  @Test
  @DisplayName("infer paths with percent-escapes or dot segments are normalised and served under the same rules")
  void nonPlainInferPaths(VertxTestContext testContext) {
    String escaped = "/v2/models/" + MLP.replace("-", "%2D") + "/infer";
    String dotted = "/v2/models/elsewhere/../" + MLP + "/infer";
    Future<HttpResponse<Buffer>> first = post(escaped).sendJsonObject(mlpRequest(ROWS));
    Future<HttpResponse<Buffer>> second = first.compose(x -> post(dotted).sendJsonObject(mlpRequest(ROWS)));
    Future<HttpResponse<Buffer>> noKey = second.compose(x -> client.post(port, "127.0.0.1", escaped)
        .sendJsonObject(mlpRequest(ROWS)));
    noKey.onComplete(testContext.succeeding(x -> testContext.verify(() -> {
      assertThat(first.result().statusCode()).isEqualTo(200);
      assertThat(first.result().bodyAsJsonObject().getString("model_name")).isEqualTo(MLP);
      assertThat(second.result().statusCode()).isEqualTo(200);
      assertThat(noKey.result().statusCode()).isEqualTo(401);
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("after a burst of bad requests a good request still works")
  void goodAfterBad(VertxTestContext testContext) {
    List<Future<HttpResponse<Buffer>>> bad = new ArrayList<>();
    badRequests().forEach(a -> bad.add(post("/v2/models/" + MLP + "/infer").sendBuffer(Buffer.buffer((String) a.get()[1]))));
    Future.join(bad)
        .compose(x -> post("/v2/models/" + MLP + "/infer").sendJsonObject(mlpRequest(ROWS)))
        .onComplete(testContext.succeeding(r -> testContext.verify(() -> {
          bad.forEach(b -> assertThat(b.result().statusCode()).isEqualTo(400));
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data")).hasSize(2 * OUT);
          testContext.completeNow();
        })));
  }
}
