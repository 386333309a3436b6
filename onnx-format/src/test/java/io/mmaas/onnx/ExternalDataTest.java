package io.mmaas.onnx;

import static io.mmaas.onnx.ModelWriter.FLOAT;
import static io.mmaas.onnx.ModelWriter.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("External data locations are found wherever tensors can be, and must stay inside the model's folder")
class ExternalDataTest {

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"../x", "a/../../x", "/etc/passwd", "C:\\x", "c:x", "..\\x", "a\\..\\..\\x", "..",
      "a/..", "\\\\server\\share\\w.bin", "", "w.bin\0.txt", "*/_ORT_MEM_ADDR_/*",
      "*/_ORT_NATIVE_ENDIAN_MEM_ADDR_/*", "./w.bin", "sub\\w.bin", "a//b", "w\nbin", "a/./b", "w bin", "w.bin/"})
  @DisplayName("A location that is not a safe relative path is rejected, naming the tensor that holds it")
  void unsafe(String location) {
    assertThatThrownBy(() -> OnnxInspector.inspect(OnnxModels.withExternalData(location)))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageStartingWith("initializer 'w': external data location '")
        .hasMessageContaining("is not a safe relative path (allowed: path segments of letters, digits");
  }

  @Test
  @DisplayName("ONNX Runtime's memory-address marker is refused with a message that names the field")
  void memoryMarker() {
    assertThatThrownBy(() -> OnnxInspector.inspect(OnnxModels.withExternalData("*/_ORT_MEM_ADDR_/*")))
        .isInstanceOf(InvalidModelException.class)
        .hasMessage("initializer 'w': external data location '*/_ORT_MEM_ADDR_/*' is not a safe relative path "
            + "(allowed: path segments of letters, digits, '.', '_', '-')");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"weights.bin", "data/weights.bin", "w..bin", "..w/x.bin", "a-b_c.1/D-2/x.bin", ".w"})
  @DisplayName("A relative location inside the model's folder is accepted and reported")
  void safe(String location) throws Exception {
    assertThat(OnnxInspector.inspect(OnnxModels.withExternalData(location)).externalDataLocations())
        .containsExactly(location);
  }

  @Test
  @DisplayName("The error message does not echo control characters from the file")
  void messageIsPrintable() {
    assertThatThrownBy(() -> OnnxInspector.inspect(OnnxModels.withExternalData("a\0\n/../../b")))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("'a??/../../b'")
        .hasMessageNotContaining("\0");
  }

  @Test
  @DisplayName("A tensor marked as external data without a location is rejected")
  void externalWithoutLocation() {
    ProtoWriter weight = new ProtoWriter().varint(1, 1).varint(2, FLOAT).string(8, "w").varint(14, 1);
    byte[] model = TestModels.model(TestModels.identityGraph().initializer(weight).toProto());

    assertThatThrownBy(() -> OnnxInspector.inspect(model)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("tensor 'w'").hasMessageContaining("no location");
  }

  @Test
  @DisplayName("Locations are reported once each, in the order found")
  void distinctInOrder() throws Exception {
    ProtoWriter graph = TestModels.identityGraph()
        .initializer(TestModels.externalTensor("a", "b.bin"))
        .initializer(TestModels.externalTensor("b", "a.bin"))
        .initializer(TestModels.externalTensor("c", "b.bin"))
        .toProto();

    assertThat(OnnxInspector.inspect(TestModels.model(graph)).externalDataLocations())
        .containsExactly("b.bin", "a.bin");
  }

  /** Each place ONNX can hold a tensor, given the tensor, as a whole model. */
  static Stream<Arguments> placements() {
    Function<ProtoWriter, byte[]> nodeAttribute = tensor -> TestModels.model(TestModels.identityGraph()
        .node(TestModels.nodeWithAttribute("Constant", 5, tensor, TestModels.ATTRIBUTE_TENSOR)).toProto());
    Function<ProtoWriter, byte[]> attributeList = tensor -> TestModels.model(TestModels.identityGraph()
        .node(TestModels.nodeWithAttribute("Custom", 10, tensor, 9)).toProto());
    Function<ProtoWriter, byte[]> subgraph = tensor -> TestModels.model(TestModels.identityGraph()
        .node(TestModels.nodeWithAttribute("If", 6, TestModels.identityGraph().initializer(tensor).toProto(),
            TestModels.ATTRIBUTE_GRAPH)).toProto());
    Function<ProtoWriter, byte[]> subgraphList = tensor -> TestModels.model(TestModels.identityGraph()
        .node(TestModels.nodeWithAttribute("Custom", 11, TestModels.identityGraph().initializer(tensor).toProto(),
            10)).toProto());
    Function<ProtoWriter, byte[]> sparseInitializer = tensor -> TestModels.model(
        concat(TestModels.identityGraph().toProto(), 15, new ProtoWriter().message(1, tensor)));
    Function<ProtoWriter, byte[]> function = tensor -> concat(OnnxModels.identity("FP32", 1), 25,
        new ProtoWriter().string(1, "f").message(7, TestModels.nodeWithAttribute("Constant", 5, tensor, 4)));
    Function<ProtoWriter, byte[]> trainingGraph = tensor -> concat(OnnxModels.identity("FP32", 1), 20,
        new ProtoWriter().message(2, TestModels.identityGraph().initializer(tensor).toProto()));
    return Stream.of(
        Arguments.of("a node's tensor attribute", nodeAttribute),
        Arguments.of("a node's tensor-list attribute", attributeList),
        Arguments.of("an If node's subgraph", subgraph),
        Arguments.of("a graph-list attribute's subgraph", subgraphList),
        Arguments.of("a sparse initializer", sparseInitializer),
        Arguments.of("a model-local function", function),
        Arguments.of("a training graph", trainingGraph));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("placements")
  @DisplayName("External data is checked and reported wherever the tensor is")
  void foundEverywhere(String placement, Function<ProtoWriter, byte[]> modelWith) throws Exception {
    byte[] unsafe = modelWith.apply(TestModels.externalTensor("w", "../../etc/shadow"));
    assertThatThrownBy(() -> OnnxInspector.inspect(unsafe)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("../../etc/shadow");

    byte[] safe = modelWith.apply(TestModels.externalTensor("w", "weights/w.bin"));
    assertThat(OnnxInspector.inspect(safe).externalDataLocations()).containsExactly("weights/w.bin");
  }

  @Test
  @DisplayName("A sparse initializer's name counts as an initializer when excluding inputs")
  void sparseInitializerNames() throws Exception {
    ProtoWriter values = ModelWriter.floatTensor("s", new long[] {1}, new float[] {1});
    ProtoWriter graph = concat(TestModels.identityGraph().input(tensorValue("s", FLOAT, 4)).toProto(), 15,
        new ProtoWriter().message(1, values));

    assertThat(OnnxInspector.inspect(TestModels.model(graph)).inputs()).extracting(TensorInfo::name)
        .containsExactly("x");
  }

  private static ProtoWriter concat(ProtoWriter message, int field, ProtoWriter extra) {
    return new ProtoWriter().raw(message.toByteArray()).message(field, extra);
  }

  private static byte[] concat(byte[] message, int field, ProtoWriter extra) {
    return new ProtoWriter().raw(message).message(field, extra).toByteArray();
  }
}
