package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Inspecting a large model streams it with bounded memory")
class LargeModelTest {
  private static final long ALLOWED_ALLOCATION = 2L * 1024 * 1024;

  @Test
  @DisplayName("A 200 MiB model is inspected while allocating under 2 MiB of heap, 1% of its size")
  void boundedHeap(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("big.onnx");
    TestModels.writeMatMulModel(file, 1024, 51_200); // w1 is 1024 x 51200 floats = 200 MiB of raw_data
    assertThat(Files.size(file)).isGreaterThan(200L * 1024 * 1024).isGreaterThan(100 * ALLOWED_ALLOCATION);
    OnnxInspector.inspect(file); // loads classes, so the measurement sees only the inspection itself

    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    ModelSignature signature = OnnxInspector.inspect(file);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).as("bytes allocated by one inspection").isLessThan(ALLOWED_ALLOCATION);
    assertThat(signature.inputs()).containsExactly(new TensorInfo("input", "FP32", List.of(-1L, 1024L)));
    assertThat(signature.outputs()).containsExactly(new TensorInfo("output", "FP32", List.of(-1L, 51_200L)));
  }
}
