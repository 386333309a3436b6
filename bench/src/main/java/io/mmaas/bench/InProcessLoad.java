package io.mmaas.bench;

import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/** Calls {@link ModelRuntime#infer} from {@code threads} threads in a closed loop: the ceiling the agent is held to. */
final class InProcessLoad {
  private InProcessLoad() {}

  static Measurement run(String name, ModelRuntime runtime, String replicaId, List<Tensor> inputs, Set<String> outputs,
      int threads, double seconds) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicLong calls = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        while (System.nanoTime() < end) {
          long began = System.nanoTime();
          try {
            runtime.infer(replicaId, inputs, outputs);
            recorder.recordValue(Math.max(1, (System.nanoTime() - began) / 1000));
            calls.incrementAndGet();
          } catch (Exception e) {
            errors.incrementAndGet();
          }
        }
        // the session runs on the calling thread (one intra-op thread): this thread's CPU is the calls' CPU
        cpuNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
      }, "in-process-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return Measurement.of(name, threads, calls.get(), errors.get(), elapsed, recorder.getIntervalHistogram())
        .withServerCpu(cpuNanos.get() / 1e3 / Math.max(1, calls.get()));
  }
}
