package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.agent.runtime.Bf16;
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
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * The raw JSON text of responses is checked where numbers matter: Vert.x's JsonObject would turn 2^64 - 1 into a
 * BigInteger or double and hide a lossy encoder.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("every tensor type ONNX Runtime's Java API can pass travels over OIP, JSON and binary")
class EveryDatatypeHttpTest {
  private static final String KEY = "every-type-serving-key";
  private static final String UINT64_MAX = "18446744073709551615";

  @TempDir static Path dir;
  private static OrtModelRuntime runtime;
  private static final ReplicaTable replicas = new ReplicaTable();

  private WebClient client;
  private int port;

  @BeforeAll
  static void loadModels() throws Exception {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
    Map<String, byte[]> models = Map.of(
        "id-uint16", OnnxModels.identity("UINT16", -1),
        "id-uint32", OnnxModels.identity("UINT32", -1),
        "id-uint64", OnnxModels.identity("UINT64", -1),
        "id-bf16", OnnxModels.identity("BF16", -1),
        "id-fp16", OnnxModels.identity("FP16", -1),
        "id-bytes", OnnxModels.identity("BYTES", -1),
        "uint64-to-fp64", OnnxModels.cast("UINT64", "FP64", -1),
        "fp32-to-bf16", OnnxModels.cast("FP32", "BF16", -1),
        "not", OnnxModels.not(-1));
    for (var e : models.entrySet()) {
      runtime.load(e.getKey(), Files.write(dir.resolve(e.getKey() + ".onnx"), e.getValue()), RuntimeOptions.DEFAULT);
      replicas.put(new ReplicaStatus(e.getKey(), e.getKey(), 1, ReplicaState.READY, null, 1));
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

  /** A JSON request with one input "x" of {@code datatype} whose data array is the raw JSON text given. */
  private HttpResponse<Buffer> json(String model, String datatype, int count, String data) {
    String body = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":[" + count + "],\"data\":"
        + data + "}]}";
    return client.post(port, "127.0.0.1", "/v2/models/" + model + "/infer").putHeader("Authorization", "Bearer " + KEY)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await();
  }

  private HttpResponse<Buffer> binary(String model, String datatype, int count, byte[] data) {
    BinaryBodies.Body body = BinaryBodies.of(new JsonObject()
        .put("inputs", new JsonArray().add(new JsonObject().put("name", "x").put("datatype", datatype)
            .put("shape", new JsonArray().add(count))
            .put("parameters", new JsonObject().put("binary_data_size", data.length))))
        .put("parameters", new JsonObject().put("binary_data_output", true)), data);
    return client.post(port, "127.0.0.1", "/v2/models/" + model + "/infer").putHeader("Authorization", "Bearer " + KEY)
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Inference-Header-Content-Length", Integer.toString(body.headerLength()))
        .sendBuffer(body.bytes()).await();
  }

  /** The raw text of the first output's data array. */
  private static String rawData(HttpResponse<Buffer> r) {
    String text = r.bodyAsString();
    int start = text.indexOf("\"data\":[") + "\"data\":[".length();
    return "[" + text.substring(start, text.indexOf(']', start)) + "]";
  }

  private static JsonObject output(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonArray("outputs").getJsonObject(0);
  }

  static Stream<Arguments> jsonRoundTrips() {
    return Stream.of(
        Arguments.of("id-uint64", "UINT64", "[0,1,9223372036854775807,9223372036854775808," + UINT64_MAX + "]"),
        Arguments.of("id-uint32", "UINT32", "[0,7,2147483648,4294967295]"),
        Arguments.of("id-uint16", "UINT16", "[0,7,32768,65535]"),
        Arguments.of("id-bf16", "BF16", "[1.0,-3.140625,0.0,256.0,1.0E-30]".replace("1.0E-30",
            Float.toString(Bf16.toFloat(Bf16.fromFloat(1e-30f))))),
        Arguments.of("id-fp16", "FP16", "[1.0,-0.5,65504.0,6.0E-8]".replace("6.0E-8",
            Float.toString(Fp16.toFloat((short) 1)))),
        Arguments.of("not", "BOOL", "[true,false,true]"),
        Arguments.of("id-bytes", "BYTES", "[\"\",\"h\\u00e9llo\",\"18446744073709551615\"]"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("jsonRoundTrips")
  @DisplayName("JSON data comes back exactly as sent (BOOL through Not, so negated)")
  void jsonRoundTrip(String model, String datatype, String data) {
    int count = new JsonArray(data).size();
    HttpResponse<Buffer> r = json(model, datatype, count, data);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(output(r).getString("datatype")).isEqualTo(datatype);
    assertThat(output(r).getJsonArray("shape")).isEqualTo(new JsonArray().add(count));
    String expected = model.equals("not") ? "[false,true,false]" : data.replace("\\u00e9", "\u00e9");
    assertThat(rawData(r)).isEqualTo(expected);
  }

  @Test
  @DisplayName("UINT64 2^64 - 1 reaches ONNX Runtime as unsigned: Cast to FP64 answers 2^64")
  void uint64IsUnsignedInTheModel() {
    HttpResponse<Buffer> r = json("uint64-to-fp64", "UINT64", 2, "[" + UINT64_MAX + ",5]");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(output(r).getJsonArray("data").getDouble(0)).isEqualTo(0x1p64);
    assertThat(output(r).getJsonArray("data").getDouble(1)).isEqualTo(5.0);
  }

  @Test
  @DisplayName("FP32 cast to BF16 by the model is written as the bfloat16 numbers (100.7 -> 100.5)")
  void bf16Output() {
    HttpResponse<Buffer> r = json("fp32-to-bf16", "FP32", 2, "[100.7,-2.0]");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(output(r).getString("datatype")).isEqualTo("BF16");
    assertThat(rawData(r)).isEqualTo("[100.5,-2.0]");
  }

  static Stream<Arguments> outOfRange() {
    return Stream.of(
        Arguments.of("id-uint64", "UINT64", "[18446744073709551616]", "out of range for UINT64"),
        Arguments.of("id-uint64", "UINT64", "[-1]", "out of range for UINT64"),
        Arguments.of("id-uint64", "UINT64", "[1.5]", "not an integer"),
        Arguments.of("id-uint32", "UINT32", "[4294967296]", "out of range for UINT32"),
        Arguments.of("id-uint32", "UINT32", "[-1]", "out of range for UINT32"),
        Arguments.of("id-uint16", "UINT16", "[65536]", "out of range for UINT16"),
        Arguments.of("id-bf16", "BF16", "[1e39]", "out of range for BF16"),
        Arguments.of("id-bf16", "BF16", "[\"1\"]", "not a number"));
  }

  @ParameterizedTest(name = "{1} {2}")
  @MethodSource("outOfRange")
  @DisplayName("a JSON value outside its type gets 400 naming the input and element")
  void jsonOutOfRange(String model, String datatype, String data, String error) {
    HttpResponse<Buffer> r = json(model, datatype, 1, data);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("input 'x': element 0").contains(error);
  }

  static Stream<Arguments> binaryRoundTrips() {
    ByteBuffer u64 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(Long.MIN_VALUE)
        .putLong(0x0102030405060708L);
    ByteBuffer u32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).putInt(0x80000000)
        .putInt(0x01020304);
    ByteBuffer u16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -1)
        .putShort((short) 0x8000).putShort((short) 0x0102);
    ByteBuffer bf16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort(Bf16.fromFloat(-3.140625f))
        .putShort((short) 0x7f80).putShort((short) 0x0001);
    ByteBuffer fp16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort(Fp16.fromFloat(-0.25f))
        .putShort((short) 0x7c00).putShort((short) 0x0001);
    return Stream.of(
        Arguments.of("id-uint64", "UINT64", 3, u64.array()),
        Arguments.of("id-uint32", "UINT32", 3, u32.array()),
        Arguments.of("id-uint16", "UINT16", 3, u16.array()),
        Arguments.of("id-bf16", "BF16", 3, bf16.array()),
        Arguments.of("id-fp16", "FP16", 3, fp16.array()),
        Arguments.of("not", "BOOL", 3, new byte[] {1, 0, 1}),
        Arguments.of("id-bytes", "BYTES", 3, BinaryBodies.strings(List.of("", "h\u00e9llo", "a\u0000b"))));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("binaryRoundTrips")
  @DisplayName("binary little-endian data comes back byte for byte (BOOL through Not, so negated)")
  void binaryRoundTrip(String model, String datatype, int count, byte[] data) {
    HttpResponse<Buffer> r = binary(model, datatype, count, data);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    int headerLength = Integer.parseInt(r.getHeader("Inference-Header-Content-Length"));
    JsonObject out = BinaryBodies.header(r.body(), headerLength).getJsonArray("outputs").getJsonObject(0);
    assertThat(out.getString("datatype")).isEqualTo(datatype);
    assertThat(out.getJsonObject("parameters").getInteger("binary_data_size")).isEqualTo(data.length);
    byte[] expected = model.equals("not") ? new byte[] {0, 1, 0} : data;
    assertThat(BinaryBodies.tail(r.body(), headerLength)).isEqualTo(expected);
  }

  @Test
  @DisplayName("binary UINT64 in, JSON out: the largest value is written exactly")
  void binaryInJsonOut() {
    byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array();
    BinaryBodies.Body body = BinaryBodies.of(new JsonObject()
        .put("inputs", new JsonArray().add(new JsonObject().put("name", "x").put("datatype", "UINT64")
            .put("shape", new JsonArray().add(1)).put("parameters", new JsonObject().put("binary_data_size", 8)))),
        data);
    HttpResponse<Buffer> r = client.post(port, "127.0.0.1", "/v2/models/id-uint64/infer")
        .putHeader("Authorization", "Bearer " + KEY).putHeader("Content-Type", "application/octet-stream")
        .putHeader("Inference-Header-Content-Length", Integer.toString(body.headerLength()))
        .sendBuffer(body.bytes()).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(rawData(r)).isEqualTo("[" + UINT64_MAX + "]");
  }
}
