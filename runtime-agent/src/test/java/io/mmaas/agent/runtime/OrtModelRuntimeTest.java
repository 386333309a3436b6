package io.mmaas.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mmaas.onnx.OnnxModels;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("OrtModelRuntime")
class OrtModelRuntimeTest {
  private static final int IN = 4;
  private static final int HIDDEN = 16;
  private static final int OUT = 3;
  private static final long SEED = 7;

  @TempDir static Path dir;
  private static OrtModelRuntime runtime;
  private static Path mlpFile;

  @BeforeAll
  static void start() throws IOException {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.AUTO);
    mlpFile = Files.write(dir.resolve("mlp.onnx"), OnnxModels.mlp(IN, HIDDEN, OUT, SEED));
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @Test
  @DisplayName("a run over the time limit is stopped between nodes and fails as a timeout; the next run works")
  void longRunsAreStopped() throws Exception {
    Path chain = Files.write(dir.resolve("chain.onnx"), OnnxModels.chain(256, 400, SEED));
    try (OrtModelRuntime limited = new OrtModelRuntime(ExecutionProviderPreference.CPU, 200)) {
      limited.load("chain", chain, new RuntimeOptions(1, 1));
      List<Tensor> one = List.of(Tensor.numeric("input", DataType.FP32, new long[] {1, 256},
          DataType.FP32.allocate(256)));
      long started = System.nanoTime();
      assertThat(limited.infer("chain", one, Set.of("output")).get(0).shape()).containsExactly(1, 256);
      long oneRowMillis = (System.nanoTime() - started) / 1_000_000;
      // 4,096 rows: hundreds of times the single row's work, seconds on one thread
      List<Tensor> many = List.of(Tensor.numeric("input", DataType.FP32, new long[] {4096, 256},
          DataType.FP32.allocate(4096 * 256)));
      started = System.nanoTime();
      assertThatThrownBy(() -> limited.infer("chain", many, Set.of("output")))
          .isInstanceOf(InferenceTimeoutException.class)
          .hasMessageContaining("limit of 200 ms");
      long stoppedAfter = (System.nanoTime() - started) / 1_000_000;
      assertThat(stoppedAfter).as("stopped after %d ms (one row took %d ms)", stoppedAfter, oneRowMillis)
          .isBetween(200L, 1_500L);
      // the flag is cleared: the same thread runs the next request to the end
      assertThat(limited.infer("chain", one, Set.of("output")).get(0).shape()).containsExactly(1, 256);
    }
  }

  @Test
  @DisplayName("an MLP loads on CPU and batch 1 and batch 3 match the reference forward pass within 1e-5")
  void mlpMatchesReference() throws Exception {
    LoadedModel model = runtime.load("mlp-a", mlpFile, RuntimeOptions.DEFAULT);
    try {
      assertThat(model.executionProvider()).isEqualTo("CPU");
      assertThat(model.inputs()).containsExactly(new TensorSpec("input", DataType.FP32, List.of(-1L, (long) IN)));
      assertThat(model.outputs()).containsExactly(new TensorSpec("output", DataType.FP32, List.of(-1L, (long) OUT)));
      OnnxModels.Mlp reference = OnnxModels.mlpWeights(IN, HIDDEN, OUT, SEED);
      for (int batch : new int[] {1, 3}) {
        float[][] rows = new float[batch][IN];
        FloatBuffer input = (FloatBuffer) DataType.FP32.allocate(batch * IN);
        for (int r = 0; r < batch; r++) {
          for (int c = 0; c < IN; c++) {
            rows[r][c] = (r + 1) * 0.37f - c * 0.91f;
            input.put(r * IN + c, rows[r][c]);
          }
        }
        List<Tensor> outputs = runtime.infer(
            "mlp-a", List.of(Tensor.numeric("input", DataType.FP32, new long[] {batch, IN}, input)), Set.of("output"));
        assertThat(outputs).hasSize(1);
        assertThat(outputs.get(0).shape()).containsExactly(batch, OUT);
        FloatBuffer result = (FloatBuffer) outputs.get(0).buffer();
        for (int r = 0; r < batch; r++) {
          float[] expected = reference.forward(rows[r]);
          for (int c = 0; c < OUT; c++) {
            assertThat(result.get(r * OUT + c)).as("batch %d row %d col %d", batch, r, c).isCloseTo(expected[c], within(1e-5f));
          }
        }
      }
    } finally {
      runtime.unload("mlp-a");
    }
  }

  @Test
  @DisplayName("a load reports memory of at least the model file size")
  void memoryIsReported() throws Exception {
    LoadedModel model = runtime.load("mlp-mem", mlpFile, new RuntimeOptions(1, 1));
    try {
      assertThat(model.memoryBytes()).isGreaterThanOrEqualTo(Files.size(mlpFile));
      assertThat(runtime.memoryUsed("mlp-mem")).isEqualTo(model.memoryBytes());
    } finally {
      runtime.unload("mlp-mem");
    }
  }

  @Test
  @DisplayName("unload frees the replica: it is no longer found, uses no memory and refuses inference")
  void unloadFreesTheReplica() throws Exception {
    runtime.load("mlp-b", mlpFile, RuntimeOptions.DEFAULT);
    assertThat(runtime.find("mlp-b")).isPresent();

    runtime.unload("mlp-b");

    assertThat(runtime.find("mlp-b")).isEmpty();
    assertThat(runtime.memoryUsed("mlp-b")).isZero();
    Tensor input = Tensor.numeric("input", DataType.FP32, new long[] {1, IN}, DataType.FP32.allocate(IN));
    assertThatThrownBy(() -> runtime.infer("mlp-b", List.of(input), Set.of("output")))
        .isInstanceOf(ModelNotLoadedException.class);
    runtime.unload("mlp-b"); // unloading again is a no-op
  }

  @Test
  @DisplayName("a corrupt file fails the load with a reason, and the runtime keeps working")
  void corruptFileFailsWithReason() throws Exception {
    byte[] bytes = OnnxModels.mlp(IN, HIDDEN, OUT, SEED);
    byte[] corrupt = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    Path file = Files.write(dir.resolve("corrupt.onnx"), corrupt);

    assertThatThrownBy(() -> runtime.load("broken", file, RuntimeOptions.DEFAULT))
        .isInstanceOf(ModelLoadException.class)
        .message()
        .satisfiesAnyOf(m -> assertThat(m).startsWith("invalid model: "), m -> assertThat(m).startsWith("load failed: "));
    assertThat(runtime.find("broken")).isEmpty();

    Path garbage = Files.write(dir.resolve("garbage.onnx"), "definitely not protobuf".getBytes());
    assertThatThrownBy(() -> runtime.load("garbage", garbage, RuntimeOptions.DEFAULT))
        .isInstanceOf(ModelLoadException.class);

    runtime.load("after-corrupt", mlpFile, RuntimeOptions.DEFAULT);
    runtime.unload("after-corrupt");
  }

  @Test
  @DisplayName("external data loads only from files inside the model's folder; escaping or missing ones are refused")
  void externalDataMustStayInTheModelFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("unpacked"));
    Path file = Files.write(folder.resolve("external.onnx"), OnnxModels.withExternalData("weights.bin"));
    Files.write(folder.resolve("weights.bin"), new byte[4]);
    runtime.load("external", file, RuntimeOptions.DEFAULT);
    runtime.unload("external");

    Path escaping = Files.write(folder.resolve("escaping.onnx"), OnnxModels.withExternalData("../weights.bin"));
    Files.write(dir.resolve("weights.bin"), new byte[4]);
    assertThatThrownBy(() -> runtime.load("escaping", escaping, RuntimeOptions.DEFAULT))
        .isInstanceOf(ModelLoadException.class);
    Path missing = Files.write(folder.resolve("missing.onnx"), OnnxModels.withExternalData("absent.bin"));
    assertThatThrownBy(() -> runtime.load("missing", missing, RuntimeOptions.DEFAULT))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("not a file in the model's folder");
  }

  @Test
  @DisplayName("a model whose weights sit at ONNX Runtime's memory-address marker is refused before ONNX Runtime sees it,"
      + " even with a file of that name in its folder")
  void memoryAddressMarkerIsRefused() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("marker"));
    Path file = Files.write(folder.resolve("model.onnx"), OnnxModels.withExternalData("*/_ORT_MEM_ADDR_/*"));
    // what an unchecked path test would accept: a regular file inside the folder at exactly that location
    Path decoy = Files.createDirectories(folder.resolve("*").resolve("_ORT_MEM_ADDR_")).resolve("*");
    Files.write(decoy, new byte[4]);
    assertThat(decoy.normalize()).startsWith(folder).isRegularFile();

    // ONNX Runtime 1.23.2 read the offset (0) as a memory address and the process crashed (SIGSEGV), so the agent
    // must refuse the model before ONNX Runtime sees it, whatever the runtime version
    assertThatThrownBy(() -> runtime.load("marker", file, RuntimeOptions.DEFAULT))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith("invalid model: ")
        .hasMessageContaining("external data location '*/_ORT_MEM_ADDR_/*' is not a safe relative path");
    assertThat(runtime.find("marker")).isEmpty();
  }

  @Test
  @DisplayName("the same replica id cannot be loaded twice")
  void duplicateLoadIsRefused() throws Exception {
    runtime.load("twice", mlpFile, RuntimeOptions.DEFAULT);
    try {
      assertThatThrownBy(() -> runtime.load("twice", mlpFile, RuntimeOptions.DEFAULT))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("already loaded");
    } finally {
      runtime.unload("twice");
    }
  }

  @Test
  @DisplayName("on a build without CUDA, AUTO reports CPU and a CUDA-only runtime fails loads with a reason")
  void executionProviderChoice() {
    assertThat(runtime.executionProvider()).isEqualTo("CPU");
    assertThat(runtime.availableProviders()).containsExactly("CPU");

    OrtModelRuntime cudaOnly = new OrtModelRuntime(ExecutionProviderPreference.CUDA);
    assertThatThrownBy(() -> cudaOnly.load("cuda", mlpFile, RuntimeOptions.DEFAULT))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("CUDA execution provider is not available");
    cudaOnly.close();
  }
}
