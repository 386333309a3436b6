package io.mmaas.agent.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelNotLoadedException;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.testing.GatedRuntime;
import io.mmaas.onnx.OnnxModels;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("InferenceQueue: bounded per-replica queue with opportunistic batching, on real ONNX Runtime")
class InferenceQueueTest {
  private static final int IN = 6;
  private static final int OUT = 3;
  private static final OnnxModels.Mlp reference = OnnxModels.mlpWeights(IN, 8, OUT, 11);

  @TempDir static Path dir;
  private static OrtModelRuntime ort;
  private final GatedRuntime gated = new GatedRuntime(ort);
  private static LoadedModel batched;
  private static LoadedModel plain;
  private static LoadedModel patient;
  private static LoadedModel brief;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @BeforeAll
  static void load() throws Exception {
    ort = new OrtModelRuntime(ExecutionProviderPreference.CPU);
    Path file = Files.write(dir.resolve("mlp.onnx"), OnnxModels.mlp(IN, 8, OUT, 11));
    batched = ort.load("batched", file, new RuntimeOptions(1, 1, 8, 0));
    plain = ort.load("plain", file, RuntimeOptions.DEFAULT);
    patient = ort.load("patient", file, new RuntimeOptions(1, 1, 4, 1_000_000)); // waits up to 1 s for 4 rows
    brief = ort.load("brief", file, new RuntimeOptions(1, 1, 8, 100_000)); // waits up to 100 ms for 8 rows
  }

  @AfterAll
  static void close() {
    ort.close();
  }

  @AfterEach
  void stopPool() throws InterruptedException {
    gated.open(1000);
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A job with {@code rows} rows of input, or one whose decoding fails when {@code bad}. */
  private static final class TestJob implements InferenceQueue.Job {
    final float[][] rows;
    final boolean bad;
    final CompletableFuture<List<Tensor>> result = new CompletableFuture<>();
    /** Runs reported through this job's observer (the queue reports each run once, through its first job). */
    final List<Integer> runs = new java.util.concurrent.CopyOnWriteArrayList<>();

    TestJob(float[][] rows, boolean bad) {
      this.rows = rows;
      this.bad = bad;
    }

    @Override
    public long admittedNanos() {
      return System.nanoTime();
    }

    @Override
    public BatchObserver observer() {
      return new BatchObserver() {
        @Override
        public void queued(long nanos) {}

        @Override
        public void batched(int requests) {
          runs.add(requests);
        }
      };
    }

    @Override
    public InferenceQueue.Prepared prepare() {
      if (bad) {
        throw new IllegalArgumentException("cannot decode");
      }
      FloatBuffer data = (FloatBuffer) DataType.FP32.allocate(rows.length * IN);
      for (float[] row : rows) {
        data.put(row);
      }
      data.rewind();
      return new InferenceQueue.Prepared(
          List.of(Tensor.numeric("input", DataType.FP32, new long[] {rows.length, IN}, data)), Set.of("output"));
    }

    @Override
    public void succeeded(List<Tensor> outputs) {
      result.complete(outputs);
    }

    @Override
    public void failed(Throwable failure) {
      result.completeExceptionally(failure);
    }
  }

  /** Waits (at most 10 s) until {@code job} is inside the runtime, held at the gate. */
  private void awaitAtGate(TestJob job) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gated.waiting() < 1) {
      if (job.result.isDone()) {
        job.result.get(); // surfaces why it ended early
        throw new AssertionError("the job finished without reaching the runtime");
      }
      assertThat(System.nanoTime()).as("job reached the runtime in time").isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  private static float[] row(int seed) {
    float[] x = new float[IN];
    for (int i = 0; i < IN; i++) {
      x[i] = (seed * 7 + i) % 5 - 2.0f;
    }
    return x;
  }

  private static void assertOutputs(TestJob job) throws Exception {
    List<Tensor> outputs = job.result.get(10, TimeUnit.SECONDS);
    FloatBuffer y = (FloatBuffer) outputs.get(0).buffer();
    assertThat(outputs.get(0).shape()).containsExactly(job.rows.length, OUT);
    for (int r = 0; r < job.rows.length; r++) {
      float[] expected = reference.forward(job.rows[r]);
      for (int o = 0; o < OUT; o++) {
        assertThat(y.get(r * OUT + o)).isCloseTo(expected[o], org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  @Test
  @DisplayName("requests queued while the runner is busy run as one batch, each gets its own rows back; a request "
      + "that cannot be decoded fails alone")
  void batchesWhatQueued() throws Exception {
    InferenceQueue queue = new InferenceQueue(gated, batched, pool, 1, 64);
    TestJob first = new TestJob(new float[][] {row(0)}, false);
    queue.submit(first);
    awaitAtGate(first);
    List<TestJob> jobs = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      jobs.add(new TestJob(i == 3 ? new float[][] {row(i), row(i + 10)} : new float[][] {row(i)}, false));
    }
    TestJob bad = new TestJob(new float[][] {row(9)}, true);
    jobs.add(2, bad);
    jobs.forEach(queue::submit);
    gated.open(1); // the first runs alone; the six queued meanwhile are taken together
    assertOutputs(first);
    gated.open(1);
    List<Integer> runs = new ArrayList<>();
    for (TestJob job : jobs) {
      if (job == bad) {
        assertThat(job.result).failsWithin(10, TimeUnit.SECONDS);
      } else {
        assertOutputs(job);
        runs.addAll(job.runs);
      }
    }
    assertThat(runs).containsExactly(5); // one run for the five good requests (six rows)
    assertThat(first.runs).containsExactly(1);
    queue.close();
  }

  @Test
  @DisplayName("with a queue delay, a batch that fills runs at once instead of waiting out the delay")
  void fullBatchDoesNotWait() throws Exception {
    InferenceQueue queue = new InferenceQueue(ort, patient, pool, 1, 64);
    List<TestJob> jobs = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      TestJob job = new TestJob(new float[][] {row(i)}, false);
      jobs.add(job);
      queue.submit(job);
    }
    List<Integer> runs = new ArrayList<>();
    for (TestJob job : jobs) {
      assertOutputs(job);
      runs.addAll(job.runs);
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(900);
    assertThat(runs).containsExactly(4);
    queue.close();
  }

  @Test
  @DisplayName("with a queue delay, requests arriving within it share a run that starts when the delay is over")
  void partialBatchWaitsForTheDelay() throws Exception {
    InferenceQueue queue = new InferenceQueue(ort, brief, pool, 1, 64);
    TestJob a = new TestJob(new float[][] {row(1)}, false);
    TestJob b = new TestJob(new float[][] {row(2), row(3)}, false);
    long started = System.nanoTime();
    queue.submit(a);
    queue.submit(b);
    assertOutputs(a);
    assertOutputs(b);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(90);
    List<Integer> runs = new ArrayList<>(a.runs);
    runs.addAll(b.runs);
    assertThat(runs).containsExactly(2);
    queue.close();
  }

  @Test
  @DisplayName("without batching every request runs alone, and a full queue refuses at once")
  void plainAndBounded() throws Exception {
    InferenceQueue queue = new InferenceQueue(gated, plain, pool, 1, 2);
    TestJob running = new TestJob(new float[][] {row(1)}, false);
    queue.submit(running);
    awaitAtGate(running);
    TestJob a = new TestJob(new float[][] {row(2)}, false);
    TestJob b = new TestJob(new float[][] {row(3)}, false);
    TestJob over = new TestJob(new float[][] {row(4)}, false);
    queue.submit(a);
    queue.submit(b);
    queue.submit(over);
    assertThat(over.result).isCompletedExceptionally();
    assertThat(over.result.handle((v, e) -> e).get()).isInstanceOf(QueueFullException.class);
    gated.open(3);
    assertOutputs(running);
    assertOutputs(a);
    assertOutputs(b);
    assertThat(a.runs).containsExactly(1);
    assertThat(b.runs).containsExactly(1);
    queue.close();
  }

  @Test
  @DisplayName("closing fails what is queued with ModelNotLoadedException and refuses new work; the run in progress "
      + "finishes")
  void closeFailsQueued() throws Exception {
    InferenceQueue queue = new InferenceQueue(gated, plain, pool, 1, 8);
    TestJob running = new TestJob(new float[][] {row(1)}, false);
    queue.submit(running);
    awaitAtGate(running);
    TestJob queued = new TestJob(new float[][] {row(2)}, false);
    queue.submit(queued);
    queue.close();
    TestJob late = new TestJob(new float[][] {row(3)}, false);
    queue.submit(late);
    assertThat(queued.result.handle((v, e) -> e).get(5, TimeUnit.SECONDS)).isInstanceOf(ModelNotLoadedException.class);
    assertThat(late.result.handle((v, e) -> e).get(5, TimeUnit.SECONDS)).isInstanceOf(ModelNotLoadedException.class);
    gated.open(1);
    assertOutputs(running);
  }
}
