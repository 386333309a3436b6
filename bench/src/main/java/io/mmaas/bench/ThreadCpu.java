package io.mmaas.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/** CPU time per thread group (name without its number) between two snapshots: where a run's CPU went. */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> before = snapshot();
  private final Map<Long, String> names = new HashMap<>();

  private Map<Long, Long> snapshot() {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long nanos = THREADS.getThreadCpuTime(id);
      if (nanos >= 0) {
        cpu.put(id, nanos);
      }
    }
    return cpu;
  }

  /** Microseconds of CPU since construction of the threads {@code include} accepts (id, name), divided by calls. */
  double perCall(long calls, BiPredicate<Long, String> include) {
    Map<Long, Long> after = snapshot();
    double micros = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      ThreadInfo info = THREADS.getThreadInfo(e.getKey());
      if (info != null && include.test(e.getKey(), info.getThreadName())) {
        micros += (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e3;
      }
    }
    return micros / Math.max(1, calls);
  }

  /** Microseconds of CPU per thread group since construction, divided by {@code calls}. */
  Map<String, Double> perCall(long calls) {
    Map<Long, Long> after = snapshot();
    Map<String, Double> groups = new TreeMap<>();
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      ThreadInfo info = THREADS.getThreadInfo(e.getKey());
      if (info == null) {
        continue;
      }
      String group = info.getThreadName().replaceAll("-?\\d+$", "").replaceAll("#\\d+", "");
      double micros = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e3;
      groups.merge(group, micros / Math.max(1, calls), Double::sum);
    }
    groups.values().removeIf(v -> v < 0.05);
    return groups;
  }
}
