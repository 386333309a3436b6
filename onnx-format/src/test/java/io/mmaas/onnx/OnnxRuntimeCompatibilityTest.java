package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Written models are real: ONNX Runtime loads and runs them, and agrees with inspect")
class OnnxRuntimeCompatibilityTest {
  /** OIP datatype for each ONNX Runtime element type, written out independently of the code under test. */
  enum Datatype {
    BOOL(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL),
    UINT8(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8),
    UINT16(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16),
    UINT32(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32),
    UINT64(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64),
    INT8(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8),
    INT16(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16),
    INT32(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32),
    INT64(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64),
    FP16(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16),
    FP32(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT),
    FP64(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE),
    BYTES(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING),
    BF16(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16);

    final OnnxTensorType ort;

    Datatype(OnnxTensorType ort) {
      this.ort = ort;
    }
  }

  private static OrtEnvironment env;
  private static OrtSession.SessionOptions options;

  @BeforeAll
  static void startRuntime() throws Exception {
    env = OrtEnvironment.getEnvironment();
    options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
  }

  @AfterAll
  static void closeOptions() {
    options.close();
  }

  @ParameterizedTest(name = "{0}→{1}→{2}, seed {3}")
  @CsvSource({"4, 8, 3, 42", "64, 128, 10, 7"})
  @DisplayName("The MLP's output in ONNX Runtime equals Mlp.forward within 1e-5")
  void mlpMatchesReference(int in, int hidden, int out, long seed) throws Exception {
    OnnxModels.Mlp weights = OnnxModels.mlpWeights(in, hidden, out, seed);
    int batch = 5;
    float[][] rows = new float[batch][in];
    FloatBuffer input = ByteBuffer.allocateDirect(batch * in * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    Random random = new Random(seed + 1);
    for (float[] row : rows) {
      for (int i = 0; i < in; i++) {
        row[i] = random.nextFloat() * 4 - 2;
        input.put(row[i]);
      }
    }
    input.rewind();

    try (OrtSession session = env.createSession(OnnxModels.mlp(in, hidden, out, seed), options);
        OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[] {batch, in});
        OrtSession.Result result = session.run(Map.of("input", tensor))) {
      OnnxTensor output = (OnnxTensor) result.get("output").orElseThrow();
      assertThat(output.getInfo().getShape()).containsExactly(batch, out);
      FloatBuffer actual = output.getFloatBuffer();
      for (int b = 0; b < batch; b++) {
        float[] expected = weights.forward(rows[b]);
        for (int j = 0; j < out; j++) {
          assertThat(actual.get(b * out + j)).as("row %d, output %d", b, j).isCloseTo(expected[j], within(1e-5f));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Datatype.class)
  @DisplayName("An identity model of each datatype loads, and ONNX Runtime's input and output info equal inspect's")
  void identityInfoMatches(Datatype datatype) throws Exception {
    byte[] model = OnnxModels.identity(datatype.name(), -1, 3);
    ModelSignature signature = OnnxInspector.inspect(model);

    try (OrtSession session = env.createSession(model, options)) {
      assertThat(describe(session.getInputInfo())).isEqualTo(signature.inputs());
      assertThat(describe(session.getOutputInfo())).isEqualTo(signature.outputs());
    }
    assertThat(signature.inputs().get(0).datatype()).isEqualTo(datatype.name());
  }

  @Test
  @DisplayName("A model with safe external data loads from its folder and reads the weight file")
  void externalDataLoads(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Path modelFile = Files.write(dir.resolve("model.onnx"), OnnxModels.withExternalData("data/weights.bin"));
    Files.write(dir.resolve("data/weights.bin"),
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).array());
    assertThat(OnnxInspector.inspect(modelFile).externalDataLocations()).containsExactly("data/weights.bin");

    FloatBuffer x = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, 1.5f);
    try (OrtSession session = env.createSession(modelFile.toString(), options);
        OnnxTensor tensor = OnnxTensor.createTensor(env, x, new long[] {1});
        OrtSession.Result result = session.run(Map.of("x", tensor))) {
      assertThat(((OnnxTensor) result.get(0)).getFloatBuffer().get(0)).isEqualTo(4.0f);
    }
  }

  @Test
  @DisplayName("The streamed large-model layout (raw_data written by length, weights before inputs) is valid ONNX")
  void streamedLayoutLoads(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("matmul.onnx");
    TestModels.writeMatMulModel(file, 16, 8);

    try (OrtSession session = env.createSession(file.toString(), options)) {
      assertThat(describe(session.getInputInfo())).isEqualTo(OnnxInspector.inspect(file).inputs());
      assertThat(describe(session.getOutputInfo())).isEqualTo(OnnxInspector.inspect(file).outputs());
    }
  }

  private static List<TensorInfo> describe(Map<String, NodeInfo> infos) {
    List<TensorInfo> described = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      ai.onnxruntime.TensorInfo info = (ai.onnxruntime.TensorInfo) node.getInfo();
      String datatype = Arrays.stream(Datatype.values()).filter(d -> d.ort == info.onnxType).findFirst()
          .orElseThrow().name();
      described.add(new TensorInfo(node.getName(), datatype, Arrays.stream(info.getShape()).boxed().toList()));
    }
    return described;
  }
}
