package io.mmaas.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.onnx.OnnxModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-deployment thread options reach the session: ONNX Runtime starts {@code n - 1} pool threads for n intra-op
 * threads (the caller is the n-th) and joins them when the session closes, which this test sees in the process's
 * task list.
 */
@DisplayName("per-replica session threads")
class SessionThreadsTest {
  @TempDir static Path dir;
  private static OrtModelRuntime runtime;
  private static Path model;

  @BeforeAll
  static void start() throws Exception {
    runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
    model = Files.write(dir.resolve("mlp.onnx"), OnnxModels.mlp(4, 8, 2, 3));
    runtime.load("warm", model, RuntimeOptions.DEFAULT); // first-load threads of the environment, if any
    runtime.unload("warm");
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  private static long threads() throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.count();
    }
  }

  private static long threadsAddedBy(String replica, RuntimeOptions options) throws Exception {
    long before = threads();
    runtime.load(replica, model, options);
    return threads() - before;
  }

  @Test
  @DisplayName("intra-op and inter-op thread counts from the runtime options start that many session threads, and unload stops them")
  void threadOptionsApplied() throws Exception {
    long single = threadsAddedBy("one", new RuntimeOptions(1, 1));
    long intra = threadsAddedBy("intra", new RuntimeOptions(4, 1));
    long inter = threadsAddedBy("inter", new RuntimeOptions(1, 3));
    assertThat(intra - single).as("extra threads for intraOpThreads=4").isEqualTo(3);
    assertThat(inter - single).as("extra threads for interOpThreads=3").isEqualTo(2);

    long loaded = threads();
    runtime.unload("intra");
    assertThat(loaded - threads()).as("threads stopped by unloading the intraOpThreads=4 session").isEqualTo(3);
    assertThat(runtime.find("intra")).isEmpty();
    runtime.unload("one");
    runtime.unload("inter");
  }

  @Test
  @DisplayName("batching options travel with the loaded model, and batching is off by default")
  void batchingOptionsTravel() throws Exception {
    LoadedModel batched = runtime.load("batched", model, new RuntimeOptions(1, 1, 16, 250));
    try {
      assertThat(batched.options().batching()).isTrue();
      assertThat(batched.options().maxQueueDelayMicros()).isEqualTo(250);
      assertThat(batched.batchable()).isTrue();
      assertThat(RuntimeOptions.DEFAULT.batching()).isFalse();
    } finally {
      runtime.unload("batched");
    }
  }
}
