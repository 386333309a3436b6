package io.mmaas.onnx;

import static io.mmaas.onnx.ModelWriter.FLOAT;
import static io.mmaas.onnx.ModelWriter.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Models written by OnnxModels inspect to the signature they were written with")
class SignatureRoundTripTest {

  @Test
  @DisplayName("The MLP's signature has its IR version, opset, producer, and a dynamic batch dimension")
  void mlpSignature() throws Exception {
    ModelSignature signature = OnnxInspector.inspect(OnnxModels.mlp(4, 8, 3, 42));

    assertThat(signature.irVersion()).isEqualTo(8);
    assertThat(signature.opsets()).containsExactly(new OpsetImport("", 13));
    assertThat(signature.producerName()).isEqualTo("mmaas-onnx-format");
    assertThat(signature.inputs()).containsExactly(new TensorInfo("input", "FP32", List.of(-1L, 4L)));
    assertThat(signature.outputs()).containsExactly(new TensorInfo("output", "FP32", List.of(-1L, 3L)));
    assertThat(signature.externalDataLocations()).isEmpty();
  }

  @Test
  @DisplayName("Weights given explicitly set the MLP's input and output widths")
  void explicitWeights() throws Exception {
    float[][] w1 = {{1, 2}, {3, 4}, {5, 6}};
    float[][] w2 = {{1}, {2}};
    ModelSignature signature = OnnxInspector.inspect(OnnxModels.mlp(w1, new float[2], w2, new float[1]));

    assertThat(signature.inputs()).containsExactly(new TensorInfo("input", "FP32", List.of(-1L, 3L)));
    assertThat(signature.outputs()).containsExactly(new TensorInfo("output", "FP32", List.of(-1L, 1L)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16",
      "FP32", "FP64", "BYTES", "BF16"})
  @DisplayName("An identity model keeps its datatype and shape, symbolic dimensions becoming -1")
  void identityDatatypes(String datatype) throws Exception {
    ModelSignature signature = OnnxInspector.inspect(OnnxModels.identity(datatype, -1, 2, -1, 5));

    assertThat(signature.inputs()).containsExactly(new TensorInfo("x", datatype, List.of(-1L, 2L, -1L, 5L)));
    assertThat(signature.outputs()).containsExactly(new TensorInfo("y", datatype, List.of(-1L, 2L, -1L, 5L)));
  }

  @Test
  @DisplayName("A scalar has an empty shape, and a zero-sized dimension stays 0")
  void scalarAndZeroDims() throws Exception {
    assertThat(OnnxInspector.inspect(OnnxModels.identity("INT64")).inputs().get(0).shape()).isEmpty();
    assertThat(OnnxInspector.inspect(OnnxModels.identity("FP32", 0, 3)).inputs().get(0).shape())
        .containsExactly(0L, 3L);
  }

  @Test
  @DisplayName("A dimension with neither a value nor a name is dynamic")
  void emptyDimensionIsDynamic() throws Exception {
    ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter()).message(1, new ProtoWriter().varint(1, 7));
    ProtoWriter type = new ProtoWriter().message(1, new ProtoWriter().varint(1, FLOAT).message(2, shape));
    ProtoWriter graph = new ModelWriter.Graph("g")
        .input(TestModels.valueInfo("x", type))
        .output(tensorValue("y", FLOAT, 1))
        .toProto();

    assertThat(OnnxInspector.inspect(TestModels.model(graph)).inputs().get(0).shape()).containsExactly(-1L, 7L);
  }

  @Test
  @DisplayName("Initializers listed among the inputs (as IR 3 exporters do) are not reported as inputs")
  void initializersAreNotInputs() throws Exception {
    ProtoWriter graph = TestModels.identityGraph()
        .initializer(ModelWriter.floatTensor("w", new long[] {1}, new float[] {1}))
        .input(tensorValue("w", FLOAT, 1))
        .toProto();

    ModelSignature signature = OnnxInspector.inspect(TestModels.model(3, graph, TestModels.opset("", 8)));

    assertThat(signature.irVersion()).isEqualTo(3);
    assertThat(signature.inputs()).extracting(TensorInfo::name).containsExactly("x");
  }

  @Test
  @DisplayName("Every opset import is reported, and ai.onnx may be named explicitly")
  void opsets() throws Exception {
    byte[] model = TestModels.model(9, TestModels.identityGraph().toProto(),
        TestModels.opset("ai.onnx", 17), TestModels.opset("com.microsoft", 1), TestModels.opset("ai.onnx.ml", 3));

    assertThat(OnnxInspector.inspect(model).opsets()).containsExactly(
        new OpsetImport("ai.onnx", 17), new OpsetImport("com.microsoft", 1), new OpsetImport("ai.onnx.ml", 3));
  }

  @Test
  @DisplayName("The same seed gives the same bytes and weights; another seed gives other ones")
  void deterministic() {
    assertThat(OnnxModels.mlp(4, 8, 3, 42)).isEqualTo(OnnxModels.mlp(4, 8, 3, 42));
    assertThat(OnnxModels.mlp(4, 8, 3, 42)).isNotEqualTo(OnnxModels.mlp(4, 8, 3, 43));
    assertThat(OnnxModels.mlpWeights(4, 8, 3, 42).w1()).isDeepEqualTo(OnnxModels.mlpWeights(4, 8, 3, 42).w1());
  }

  @Test
  @DisplayName("The factories refuse inconsistent weights and unknown datatypes")
  void factoryArguments() {
    assertThatThrownBy(() -> OnnxModels.mlp(new float[][] {{1, 2}}, new float[3], new float[][] {{1}, {1}},
        new float[1])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w1");
    assertThatThrownBy(() -> OnnxModels.identity("FLOAT32", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FLOAT32");
    assertThatThrownBy(() -> OnnxModels.mlpWeights(4, 8, 3, 42).forward(new float[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("The demo CLI writes mlp(4, 8, 3, 42), prints its path, and the file inspects like the bytes")
  void demoModel(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("models/demo.onnx");
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      DemoModel.main(new String[] {file.toString()});
    } finally {
      System.setOut(stdout);
    }

    assertThat(printed.toString(StandardCharsets.UTF_8).trim()).isEqualTo(file.toAbsolutePath().toString());
    assertThat(Files.readAllBytes(file)).isEqualTo(OnnxModels.mlp(4, 8, 3, 42));
    assertThat(OnnxInspector.inspect(file)).isEqualTo(OnnxInspector.inspect(OnnxModels.mlp(4, 8, 3, 42)));
  }
}
