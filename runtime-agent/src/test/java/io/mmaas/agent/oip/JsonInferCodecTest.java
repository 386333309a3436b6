package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("OIP JSON codec with ONNX Runtime")
class JsonInferCodecTest {
  @TempDir static Path dir;
  private static OrtModelRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  static Stream<Arguments> datatypes() {
    return Stream.of(
        Arguments.of("FP32", new JsonArray(List.of(0.1, -2.5, 3.4028235E38, 1.4E-45, -0.0, 123456.79))),
        Arguments.of("FP64", new JsonArray(List.of(0.1, -2.5, 1.7976931348623157E308, 4.9E-324, 1e-300, Math.PI))),
        Arguments.of("FP16", new JsonArray(List.of(0.5, -2.0, 65504.0, 0.125, 1024.0, -0.25))),
        Arguments.of("INT64", new JsonArray(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 42, 9007199254740993L))),
        Arguments.of("INT32", new JsonArray(List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 7, 100000))),
        Arguments.of("INT16", new JsonArray(List.of(-32768, 32767, 0, -1, 5, 1000))),
        Arguments.of("INT8", new JsonArray(List.of(-128, 127, 0, -1, 5, 100))),
        Arguments.of("UINT8", new JsonArray(List.of(0, 255, 128, 1, 5, 200))),
        Arguments.of("BOOL", new JsonArray(List.of(true, false, true, true, false, false))),
        Arguments.of("BYTES", new JsonArray(List.of("hello", "", "ünïcödé ✓", "a \"quote\"", "x", "tab\there"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("datatypes")
  @DisplayName("an identity model returns every datatype's values exactly as sent")
  void identityRoundTrip(String datatype, JsonArray data) throws Exception {
    LoadedModel model = load("identity-" + datatype, OnnxModels.identity(datatype, -1, 3));
    JsonObject request = new JsonObject().put("id", "rt-" + datatype).put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "x").put("datatype", datatype).put("shape", new JsonArray().add(2).add(3)).put("data", data)));

    JsonObject response = roundTrip(model, request);

    JsonObject output = response.getJsonArray("outputs").getJsonObject(0);
    assertThat(response.getString("id")).isEqualTo("rt-" + datatype);
    assertThat(output.getString("name")).isEqualTo("y");
    assertThat(output.getString("datatype")).isEqualTo(datatype);
    assertThat(output.getJsonArray("shape")).isEqualTo(new JsonArray().add(2).add(3));
    assertThat(output.getJsonArray("data")).isEqualTo(data);
  }

  @Test
  @DisplayName("nested data arrays are read in row-major order and answered flat")
  void nestedData() throws Exception {
    LoadedModel model = load("identity-nested", OnnxModels.identity("INT32", -1, 3));
    JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("data", new JsonArray().add(new JsonArray().add(1).add(2).add(3)).add(new JsonArray().add(4).add(5).add(6)))
        .put("shape", new JsonArray().add(2).add(3))
        .put("datatype", "INT32")
        .put("name", "x")));

    JsonObject response = roundTrip(model, request);

    assertThat(response.containsKey("id")).isFalse();
    assertThat(response.getJsonArray("outputs").getJsonObject(0).getJsonArray("data"))
        .isEqualTo(new JsonArray(List.of(1, 2, 3, 4, 5, 6)));
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("INT8", "[1, 300, 3]", "element 1 (300) is out of range for INT8"),
        Arguments.of("UINT8", "[1, -1, 3]", "element 1 (-1) is out of range for UINT8"),
        Arguments.of("INT64", "[1, 99999999999999999999, 3]", "out of range for INT64"),
        Arguments.of("INT32", "[1, 1.5, 3]", "element 1 is 1.5, not an integer"),
        Arguments.of("FP32", "[1, 1e39, 3]", "out of range for FP32"),
        Arguments.of("FP16", "[1, 70000, 3]", "out of range for FP16"),
        Arguments.of("FP32", "[1, null, 3]", "element 1 is null, not a number"),
        Arguments.of("BOOL", "[true, 1, false]", "element 1 is 1, not a boolean"),
        Arguments.of("BYTES", "[\"a\", 2, \"c\"]", "element 1 is 2, not a string"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badValues")
  @DisplayName("values a datatype cannot hold are refused with the element named")
  void badValuesAreRefused(String datatype, String data, String message) throws Exception {
    LoadedModel model = load("identity-bad-" + datatype, OnnxModels.identity(datatype, 3));
    String body = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":[3],\"data\":" + data + "}]}";

    assertThatThrownBy(() -> InferCodec.decode(body.getBytes(StandardCharsets.UTF_8), model))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  private static LoadedModel load(String replicaId, byte[] bytes) throws Exception {
    if (runtime.find(replicaId).isPresent()) {
      return runtime.find(replicaId).get();
    }
    Path file = Files.write(dir.resolve(replicaId + ".onnx"), bytes);
    return runtime.load(replicaId, file, RuntimeOptions.DEFAULT);
  }

  private static JsonObject roundTrip(LoadedModel model, JsonObject request) throws Exception {
    InferRequest decoded = InferCodec.decode(request.toBuffer().getBytes(), model);
    List<Tensor> outputs = runtime.infer(model.replicaId(), decoded.inputs(), decoded.outputs());
    return new JsonObject(InferCodec.encode(new ModelNames("m", "1"), decoded.id(), outputs));
  }
}
