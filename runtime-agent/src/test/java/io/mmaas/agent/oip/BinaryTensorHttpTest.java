package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.Fp16;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.sync.ReplicaState;
import io.mmaas.agent.sync.ReplicaStatus;
import io.mmaas.agent.sync.ReplicaTable;
import io.mmaas.agent.testing.BinaryBodies;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@DisplayName("binary tensor extension over HTTP")
class BinaryTensorHttpTest {
  private static final String KEY = "binary-serving-key";
  private static final List<String> NUMERIC = List.of("BOOL", "UINT8", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64");
  private static final List<String> WORDS = List.of("", "héllo", "a\u0000b", "ünïcödé ☃", "x", "last one");

  @TempDir static Path dir;
  private static OrtModelRuntime runtime;
  private static final ReplicaTable replicas = new ReplicaTable();

  private WebClient client;
  private int port;

  @BeforeAll
  static void loadModels() throws Exception {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
    for (String type : Stream.concat(NUMERIC.stream(), Stream.of("BYTES")).toList()) {
      String id = "id-" + type.toLowerCase();
      runtime.load(id, Files.write(dir.resolve(id + ".onnx"), OnnxModels.identity(type, -1, 3)), RuntimeOptions.DEFAULT);
      replicas.put(new ReplicaStatus(id, "identity-" + type, 2, ReplicaState.READY, null, 1));
    }
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
        new ServingVerticle(new ServingVerticle.Settings("127.0.0.1", 0, 1 << 20, 2), runtime, replicas, key);
    client = WebClient.create(vertx);
    vertx.deployVerticle(serving).onComplete(testContext.succeeding(id -> {
      port = serving.actualPort();
      testContext.completeNow();
    }));
  }

  private HttpRequest<Buffer> infer(String type, BinaryBodies.Body body) {
    return client.post(port, "127.0.0.1", "/v2/models/id-" + type.toLowerCase() + "/infer")
        .putHeader("Authorization", "Bearer " + KEY)
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Inference-Header-Content-Length", Integer.toString(body.headerLength()));
  }

  /** Six elements of {@code type}, little-endian, with values that differ in every byte where the type allows. */
  private static byte[] sample(String type) {
    ByteBuffer b = ByteBuffer.allocate(6 * width(type)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      switch (type) {
        case "BOOL" -> b.put((byte) (i % 2));
        case "UINT8" -> b.put((byte) (250 + i));
        case "INT8" -> b.put((byte) (-3 * i));
        case "INT16" -> b.putShort((short) (-1234 * i + 7));
        case "INT32" -> b.putInt(-123_456_789 * i + 3);
        case "INT64" -> b.putLong(-1_234_567_890_123L * i + 5);
        case "FP16" -> b.putShort(Fp16.fromFloat(i * -1.5f + 0.25f));
        case "FP32" -> b.putFloat(i * 3.14159f - 2.5f);
        case "FP64" -> b.putDouble(i * Math.E - 1e300);
        default -> throw new IllegalArgumentException(type);
      }
    }
    return b.array();
  }

  private static int width(String type) {
    return switch (type) {
      case "BOOL", "UINT8", "INT8" -> 1;
      case "INT16", "FP16" -> 2;
      case "INT32", "FP32" -> 4;
      default -> 8;
    };
  }

  private static JsonObject binaryInput(String type, int size) {
    return new JsonObject().put("name", "x").put("datatype", type).put("shape", new JsonArray().add(2).add(3))
        .put("parameters", new JsonObject().put("binary_data_size", size));
  }

  static Stream<String> numericTypes() {
    return NUMERIC.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("numericTypes")
  @DisplayName("a binary numeric input comes back byte for byte as binary output, with the extension's headers")
  void numericRoundTrip(String type, VertxTestContext testContext) {
    byte[] data = sample(type);
    BinaryBodies.Body body = BinaryBodies.of(new JsonObject().put("id", "b-1")
        .put("inputs", new JsonArray().add(binaryInput(type, data.length)))
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "y")
            .put("parameters", new JsonObject().put("binary_data", true)))), data);
    infer(type, body).sendBuffer(body.bytes()).onComplete(testContext.succeeding(r -> testContext.verify(() -> {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/octet-stream");
      int headerLength = Integer.parseInt(r.getHeader("Inference-Header-Content-Length"));
      JsonObject header = BinaryBodies.header(r.body(), headerLength);
      assertThat(header.getString("id")).isEqualTo("b-1");
      JsonObject output = header.getJsonArray("outputs").getJsonObject(0);
      assertThat(output.getString("datatype")).isEqualTo(type);
      assertThat(output.getJsonArray("shape")).isEqualTo(new JsonArray().add(2).add(3));
      assertThat(output.containsKey("data")).isFalse();
      assertThat(output.getJsonObject("parameters").getInteger("binary_data_size")).isEqualTo(data.length);
      assertThat(BinaryBodies.tail(r.body(), headerLength)).isEqualTo(data);
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("BYTES elements travel as length-prefixed strings both ways, including empty and non-ASCII ones")
  void bytesRoundTrip(VertxTestContext testContext) {
    byte[] data = BinaryBodies.strings(WORDS);
    BinaryBodies.Body body = BinaryBodies.of(new JsonObject()
        .put("inputs", new JsonArray().add(binaryInput("BYTES", data.length)))
        .put("parameters", new JsonObject().put("binary_data_output", true)), data);
    infer("BYTES", body).sendBuffer(body.bytes()).onComplete(testContext.succeeding(r -> testContext.verify(() -> {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      int headerLength = Integer.parseInt(r.getHeader("Inference-Header-Content-Length"));
      assertThat(BinaryBodies.tail(r.body(), headerLength)).isEqualTo(data);
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("binary FP16 input can be answered as JSON numbers, and JSON input as binary output")
  void mixedEncodings(VertxTestContext testContext) {
    byte[] data = sample("FP16");
    BinaryBodies.Body body = BinaryBodies.of(new JsonObject()
        .put("inputs", new JsonArray().add(binaryInput("FP16", data.length))), data);
    infer("FP16", body).sendBuffer(body.bytes()).compose(r -> {
      testContext.verify(() -> {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(r.getHeader("Inference-Header-Content-Length")).isNull();
        JsonArray values = r.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
        for (int i = 0; i < 6; i++) {
          assertThat(values.getFloat(i)).isEqualTo(i * -1.5f + 0.25f);
        }
      });
      JsonObject json = new JsonObject()
          .put("inputs", new JsonArray().add(new JsonObject().put("name", "x").put("datatype", "INT32")
              .put("shape", new JsonArray().add(1).add(3)).put("data", new JsonArray().add(1).add(-2).add(300))))
          .put("parameters", new JsonObject().put("binary_data_output", true));
      return client.post(port, "127.0.0.1", "/v2/models/id-int32/infer").putHeader("Authorization", "Bearer " + KEY)
          .sendJsonObject(json);
    }).onComplete(testContext.succeeding(r -> testContext.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(200);
      int headerLength = Integer.parseInt(r.getHeader("Inference-Header-Content-Length"));
      ByteBuffer tail = ByteBuffer.wrap(BinaryBodies.tail(r.body(), headerLength)).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(tail.remaining()).isEqualTo(12);
      assertThat(new int[] {tail.getInt(), tail.getInt(), tail.getInt()}).containsExactly(1, -2, 300);
      testContext.completeNow();
    })));
  }

  static Stream<Arguments> badBinaryBodies() {
    byte[] twelve = new byte[12];
    return Stream.of(
        Arguments.of("sizes that do not add up to the body", "FP16",
            BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(binaryInput("FP16", 12))),
                new byte[14]), "add up to 12 bytes but the body holds 14"),
        Arguments.of("a size past the end of the body", "FP32",
            BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(binaryInput("FP32", 24))), twelve),
            "runs past the end of the body"),
        Arguments.of("a size that is not whole elements", "INT32",
            BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(binaryInput("INT32", 10))),
                new byte[10]), "not a whole number of INT32 elements"),
        Arguments.of("a size that does not match the shape", "INT64",
            BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(binaryInput("INT64", 40))),
                new byte[40]), "needs 6 elements but data has 5"),
        Arguments.of("a BYTES element running past its input", "BYTES",
            BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(binaryInput("BYTES", 6))),
                new byte[] {9, 0, 0, 0, 'a', 'b'}), "runs past the input's binary_data_size"),
        Arguments.of("both data and binary_data_size", "FP32",
            BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(binaryInput("FP32", 24)
                .put("data", new JsonArray().add(1)))), new byte[24]), "has both data and parameters.binary_data_size"),
        Arguments.of("a wrong datatype", "FP32",
            BinaryBodies.of(new JsonObject().put("inputs", new JsonArray().add(binaryInput("FP64", 48))),
                new byte[48]), "has datatype FP64 but the model expects FP32"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBinaryBodies")
  @DisplayName("a malformed binary request gets 400 with a clear error")
  void badBinary(String description, String type, BinaryBodies.Body body, String error, VertxTestContext testContext) {
    infer(type, body).sendBuffer(body.bytes()).onComplete(testContext.succeeding(r -> testContext.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).contains(error);
      testContext.completeNow();
    })));
  }

  @ParameterizedTest(name = "header length {0}")
  @ValueSource(strings = {"-1", "abc", "100000"})
  @DisplayName("an Inference-Header-Content-Length that is not a length within the body gets 400")
  void badHeaderLength(String value, VertxTestContext testContext) {
    client.post(port, "127.0.0.1", "/v2/models/id-fp32/infer").putHeader("Authorization", "Bearer " + KEY)
        .putHeader("Inference-Header-Content-Length", value)
        .sendBuffer(Buffer.buffer("{\"inputs\":[]}"))
        .onComplete(testContext.succeeding(r -> testContext.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.bodyAsJsonObject().getString("error")).contains("Inference-Header-Content-Length");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("binary_data_size without the Inference-Header-Content-Length header gets 400")
  void binaryWithoutHeader(VertxTestContext testContext) {
    client.post(port, "127.0.0.1", "/v2/models/id-fp32/infer").putHeader("Authorization", "Bearer " + KEY)
        .sendJsonObject(new JsonObject().put("inputs", new JsonArray().add(binaryInput("FP32", 24))))
        .onComplete(testContext.succeeding(r -> testContext.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.bodyAsJsonObject().getString("error")).contains("no Inference-Header-Content-Length");
          testContext.completeNow();
        })));
  }
}
