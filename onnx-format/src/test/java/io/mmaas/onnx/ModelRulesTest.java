package io.mmaas.onnx;

import static io.mmaas.onnx.ModelWriter.FLOAT;
import static io.mmaas.onnx.ModelWriter.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Well-formed models the platform cannot serve are rejected with a reason")
class ModelRulesTest {

  @ParameterizedTest(name = "IR {0}")
  @ValueSource(longs = {0, 1, 2, 12, 100, -1})
  @DisplayName("An IR version outside 3..11 is rejected")
  void unsupportedIrVersion(long ir) {
    byte[] model = TestModels.model(ir, TestModels.identityGraph().toProto(), TestModels.opset("", 13));

    assertThatThrownBy(() -> OnnxInspector.inspect(model)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("IR version " + ir).hasMessageContaining("3 to 11");
  }

  @ParameterizedTest(name = "IR {0}")
  @ValueSource(longs = {OnnxInspector.MIN_IR_VERSION, OnnxInspector.MAX_IR_VERSION})
  @DisplayName("The oldest and newest supported IR versions are accepted")
  void supportedIrBounds(long ir) throws Exception {
    byte[] model = TestModels.model(ir, TestModels.identityGraph().toProto(), TestModels.opset("", 13));

    assertThat(OnnxInspector.inspect(model).irVersion()).isEqualTo(ir);
  }

  @Test
  @DisplayName("A model without an ai.onnx opset import is rejected")
  void noStandardOpset() {
    byte[] none = TestModels.model(8, TestModels.identityGraph().toProto());
    byte[] onlyCustom = TestModels.model(8, TestModels.identityGraph().toProto(), TestModels.opset("com.acme", 1));

    for (byte[] model : List.of(none, onlyCustom)) {
      assertThatThrownBy(() -> OnnxInspector.inspect(model)).isInstanceOf(InvalidModelException.class)
          .hasMessageContaining("ai.onnx");
    }
  }

  @ParameterizedTest(name = "opset {0}")
  @ValueSource(longs = {24, 0})
  @DisplayName("An ai.onnx opset newer than 23, or not positive, is rejected; 23 is accepted")
  void unsupportedOpset(long version) throws Exception {
    byte[] model = TestModels.model(10, TestModels.identityGraph().toProto(), TestModels.opset("", version));
    assertThatThrownBy(() -> OnnxInspector.inspect(model)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("operator set version " + version);

    byte[] newest = TestModels.model(10, TestModels.identityGraph().toProto(),
        TestModels.opset("", OnnxInspector.MAX_AI_ONNX_OPSET));
    assertThat(OnnxInspector.inspect(newest).opsets()).containsExactly(new OpsetImport("", 23));
  }

  @Test
  @DisplayName("A graph whose only inputs are initializers, or with no inputs at all, is rejected")
  void noInputs() {
    ProtoWriter onlyWeights = new ModelWriter.Graph("g")
        .initializer(ModelWriter.floatTensor("w", new long[] {1}, new float[] {1}))
        .input(tensorValue("w", FLOAT, 1))
        .output(tensorValue("w", FLOAT, 1))
        .toProto();
    ProtoWriter nothing = new ModelWriter.Graph("g").output(tensorValue("y", FLOAT, 1)).toProto();

    for (ProtoWriter graph : List.of(onlyWeights, nothing)) {
      assertThatThrownBy(() -> OnnxInspector.inspect(TestModels.model(graph)))
          .isInstanceOf(InvalidModelException.class).hasMessageContaining("no inputs");
    }
  }

  @Test
  @DisplayName("A graph without outputs is rejected")
  void noOutputs() {
    ProtoWriter graph = new ModelWriter.Graph("g").input(tensorValue("x", FLOAT, 1)).toProto();

    assertThatThrownBy(() -> OnnxInspector.inspect(TestModels.model(graph)))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("no outputs");
  }

  @Test
  @DisplayName("Inputs and outputs must be named tensors of a servable element type with a known rank")
  void inputAndOutputTypes() {
    ProtoWriter untyped = new ProtoWriter().string(1, "x");
    ProtoWriter unnamed = tensorValue("", FLOAT, 1);
    ProtoWriter sequence = TestModels.valueInfo("x", new ProtoWriter().message(4, new ProtoWriter()));
    ProtoWriter map = TestModels.valueInfo("x", new ProtoWriter().message(5, new ProtoWriter()));
    ProtoWriter noElemType = TestModels.valueInfo("x", new ProtoWriter().message(1, new ProtoWriter()));
    ProtoWriter complex = tensorValue("x", 14, 2);
    ProtoWriter noShape = TestModels.valueInfo("x", new ProtoWriter().message(1, new ProtoWriter().varint(1, FLOAT)));

    assertRejectedAsInput(untyped, "has no type");
    assertRejectedAsInput(unnamed, "has no name");
    assertRejectedAsInput(sequence, "is a sequence, not a tensor");
    assertRejectedAsInput(map, "is a map, not a tensor");
    assertRejectedAsInput(noElemType, "no element type");
    assertRejectedAsInput(complex, "COMPLEX64");
    assertRejectedAsInput(noShape, "rank is unknown");

    ProtoWriter graph = new ModelWriter.Graph("g").input(tensorValue("x", FLOAT, 1)).output(sequence).toProto();
    assertThatThrownBy(() -> OnnxInspector.inspect(TestModels.model(graph)))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("graph output 'x' is a sequence");
  }

  @Test
  @DisplayName("More than 10,000 inputs or opset imports are refused instead of collected")
  void boundedCounts() {
    ModelWriter.Graph manyInputs = new ModelWriter.Graph("g").output(tensorValue("y", FLOAT, 1));
    for (int i = 0; i <= ReadLimits.MAX_ITEMS; i++) {
      manyInputs.input(tensorValue("x" + i, FLOAT, 1));
    }
    assertThatThrownBy(() -> OnnxInspector.inspect(TestModels.model(manyInputs.toProto())))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("more than 10000 graph inputs");

    ProtoWriter[] opsets = new ProtoWriter[ReadLimits.MAX_ITEMS + 1];
    java.util.Arrays.fill(opsets, TestModels.opset("", 13));
    byte[] manyOpsets = TestModels.model(8, TestModels.identityGraph().toProto(), opsets);
    assertThatThrownBy(() -> OnnxInspector.inspect(manyOpsets))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("opset imports");
  }

  @Test
  @DisplayName("Names longer than the string limit are refused")
  void longNames() {
    ProtoWriter graph = new ModelWriter.Graph("g")
        .input(tensorValue("x".repeat(ReadLimits.MAX_STRING_BYTES + 1), FLOAT, 1))
        .output(tensorValue("y", FLOAT, 1))
        .toProto();

    assertThatThrownBy(() -> OnnxInspector.inspect(TestModels.model(graph)))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("at most 16384 bytes");
  }

  @Test
  @DisplayName("Names and shapes that add up past the retained-memory budget are refused")
  void retainedBudget() {
    ModelWriter.Graph graph = new ModelWriter.Graph("g").output(tensorValue("y", FLOAT, 1));
    String longName = "x".repeat(8_000);
    for (int i = 0; i < 1_100; i++) {
      graph.input(tensorValue(longName + i, FLOAT, 1));
    }

    assertThatThrownBy(() -> OnnxInspector.inspect(TestModels.model(graph.toProto())))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("names and shapes take more than 16 MiB");
  }

  private static void assertRejectedAsInput(ProtoWriter input, String reason) {
    ProtoWriter graph = new ModelWriter.Graph("g").input(input).output(tensorValue("y", FLOAT, 1)).toProto();

    assertThatThrownBy(() -> OnnxInspector.inspect(TestModels.model(graph)))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining(reason);
  }
}
