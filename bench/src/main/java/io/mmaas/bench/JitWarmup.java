package io.mmaas.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Warms a workload up until the JIT has settled. A fixed warm-up is not enough on a 2-core machine: C2 can keep a
 * whole core busy for ten seconds or more after a new code path starts, and a measurement taken meanwhile mostly
 * measures the compiler. Repeats the workload in slices until a slice costs less than 2 % of its time in
 * compilation (or a time limit passes).
 */
final class JitWarmup {
  private static final double SLICE_SECONDS = 1.5;
  private static final double MAX_SECONDS = 40;

  private JitWarmup() {}

  interface Slice {
    void run(double seconds) throws Exception;
  }

  /** Returns the seconds spent warming up. */
  static double until(Slice slice) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long started = System.nanoTime();
    while (true) {
      long before = jit.getTotalCompilationTime();
      slice.run(SLICE_SECONDS);
      long compiledMs = jit.getTotalCompilationTime() - before;
      double elapsed = (System.nanoTime() - started) / 1e9;
      if (compiledMs < SLICE_SECONDS * 1000 * 0.02 || elapsed > MAX_SECONDS) {
        return elapsed;
      }
    }
  }
}
