package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Bytes that are not well-formed ONNX fail with InvalidModelException and nothing else")
class MalformedModelTest {

  @Test
  @DisplayName("An empty file or byte array is rejected as empty")
  void empty(@TempDir Path dir) throws Exception {
    Path file = Files.createFile(dir.resolve("empty.onnx"));

    assertThatThrownBy(() -> OnnxInspector.inspect(file)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> OnnxInspector.inspect(new byte[0])).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("empty");
  }

  @Test
  @DisplayName("Random bytes are rejected")
  void randomBytes() {
    Random random = new Random(1);
    for (int i = 0; i < 500; i++) {
      byte[] bytes = new byte[1 + random.nextInt(2000)];
      random.nextBytes(bytes);
      assertThatThrownBy(() -> OnnxInspector.inspect(bytes)).isInstanceOf(InvalidModelException.class);
    }
  }

  @Test
  @DisplayName("Text and well-formed protobuf that is not a model are rejected")
  void notAModel() {
    byte[] text = "hello, this is not a model\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OnnxInspector.inspect(text)).isInstanceOf(InvalidModelException.class);

    byte[] noGraph = new ProtoWriter().varint(1, 8).string(2, "x").toByteArray();
    assertThatThrownBy(() -> OnnxInspector.inspect(noGraph)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("no graph");

    byte[] noIrVersion = new ProtoWriter().message(7, TestModels.identityGraph().toProto())
        .message(8, TestModels.opset("", 13)).toByteArray();
    assertThatThrownBy(() -> OnnxInspector.inspect(noIrVersion)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("ir_version");
  }

  @Test
  @DisplayName("A model cut at any byte is rejected, by byte array and by file")
  void truncatedEverywhere(@TempDir Path dir) throws Exception {
    byte[] model = OnnxModels.mlp(4, 8, 3, 42);
    for (int cut = 1; cut < model.length; cut++) {
      byte[] prefix = Arrays.copyOf(model, cut);
      assertThatThrownBy(() -> OnnxInspector.inspect(prefix)).as("cut at %d", cut)
          .isInstanceOf(InvalidModelException.class);
    }
    for (int cut : new int[] {1, 2, 7, model.length / 2, model.length - 1}) {
      Path file = Files.write(dir.resolve("cut" + cut + ".onnx"), Arrays.copyOf(model, cut));
      assertThatThrownBy(() -> OnnxInspector.inspect(file)).isInstanceOf(InvalidModelException.class);
    }
  }

  @Test
  @DisplayName("A length prefix far past the end of the file is rejected without allocating it")
  void hugeLength() {
    byte[] graphClaimsExabytes = new ProtoWriter().varint(1, 8).lengthHeader(7, 1L << 60).toByteArray();
    assertThatThrownBy(() -> OnnxInspector.inspect(graphClaimsExabytes)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("claims");

    byte[] negativeLength = new ProtoWriter().varint(1, 8).lengthHeader(7, -1).toByteArray();
    assertThatThrownBy(() -> OnnxInspector.inspect(negativeLength)).isInstanceOf(InvalidModelException.class);

    byte[] nameClaimsTooMuch = TestModels.model(new ProtoWriter().lengthHeader(2, 1_000_000));
    assertThatThrownBy(() -> OnnxInspector.inspect(nameClaimsTooMuch)).isInstanceOf(InvalidModelException.class);
  }

  @Test
  @DisplayName("A varint that never ends, or runs past 10 bytes, is rejected")
  void badVarints() {
    byte[] unterminated = {0x08, (byte) 0x80, (byte) 0x80};
    assertThatThrownBy(() -> OnnxInspector.inspect(unterminated)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("ends in the middle");

    byte[] tooLong = new byte[12];
    Arrays.fill(tooLong, (byte) 0xFF);
    tooLong[0] = 0x08;
    assertThatThrownBy(() -> OnnxInspector.inspect(tooLong)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("longer than 10 bytes");
  }

  @Test
  @DisplayName("A known field with the wrong wire type, a group, or field number 0 is rejected")
  void wrongWireTypes() {
    byte[] irAsString = new ProtoWriter().string(1, "8").message(7, TestModels.identityGraph().toProto())
        .toByteArray();
    assertThatThrownBy(() -> OnnxInspector.inspect(irAsString)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("ir_version").hasMessageContaining("wire type 2");

    byte[] graphAsVarint = new ProtoWriter().varint(1, 8).varint(7, 1).toByteArray();
    assertThatThrownBy(() -> OnnxInspector.inspect(graphAsVarint)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("ModelProto.graph");

    byte[] elemTypeAsString = TestModels.model(new ModelWriter.Graph("g")
        .input(TestModels.valueInfo("x", new ProtoWriter().message(1, new ProtoWriter().string(1, "FLOAT"))))
        .toProto());
    assertThatThrownBy(() -> OnnxInspector.inspect(elemTypeAsString)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("elem_type");

    byte[] group = {0x0B, 0x0C};
    assertThatThrownBy(() -> OnnxInspector.inspect(group)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("wire type 3");

    byte[] fieldZero = {0x00, 0x01};
    assertThatThrownBy(() -> OnnxInspector.inspect(fieldZero)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("field number 0");
  }

  @Test
  @DisplayName("Subgraphs nested past the depth limit are rejected; a few levels are fine")
  void nesting() throws Exception {
    assertThat(OnnxInspector.inspect(TestModels.model(TestModels.nestedGraph(5))).inputs()).hasSize(1);

    byte[] deep = TestModels.model(TestModels.nestedGraph(40));
    assertThatThrownBy(() -> OnnxInspector.inspect(deep)).isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("nested");
  }

  @Test
  @DisplayName("Single-byte corruptions of a valid model either inspect or fail with InvalidModelException")
  void corruptedBytes() {
    byte[] original = OnnxModels.withExternalData("weights.bin");
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      byte[] corrupted = original.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
      }
      try {
        OnnxInspector.inspect(corrupted);
      } catch (InvalidModelException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
