package io.mmaas.bench.report;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the machine's 1-minute load average (/proc/loadavg) every few seconds while a benchmark runs, and the share
 * of CPU time the hypervisor took from this virtual machine over the run (steal, from /proc/stat): the machine is
 * shared, and a load well above the core count, or time stolen by other guests, makes every figure worse.
 */
public final class LoadAverage implements AutoCloseable {
  private final List<Double> samples = new ArrayList<>();
  private final String atStart = read();
  private final long[] cpuAtStart = cpuTimes();
  private final Thread sampler;

  public LoadAverage() {
    sampler = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          String now = read();
          synchronized (samples) {
            samples.add(Double.parseDouble(now.split(" ")[0]));
          }
          Thread.sleep(5_000);
        }
      } catch (InterruptedException | RuntimeException e) {
        // stopped
      }
    }, "loadavg-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** /proc/loadavg's first three fields (1, 5, 15 minutes), or "unknown" off Linux. */
  public static String read() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The aggregate "cpu" line of /proc/stat: user, nice, system, idle, iowait, irq, softirq, steal (jiffies). */
  static long[] cpuTimes() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] t = new long[8];
      for (int i = 0; i < t.length && i + 1 < f.length; i++) {
        t[i] = Long.parseLong(f[i + 1]);
      }
      return t;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Percent of all CPU time since this sampler started that the hypervisor gave to others; -1 when unknown. */
  public double stealPercent() {
    long[] now = cpuTimes();
    if (cpuAtStart == null || now == null) {
      return -1;
    }
    long total = 0;
    for (int i = 0; i < now.length; i++) {
      total += now[i] - cpuAtStart[i];
    }
    return total <= 0 ? -1 : Math.round((now[7] - cpuAtStart[7]) * 1000.0 / total) / 10.0;
  }

  public JsonObject toJson() {
    synchronized (samples) {
      double max = samples.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      return new JsonObject().put("cpus", Runtime.getRuntime().availableProcessors()).put("atStart", atStart)
          .put("atEnd", read()).put("oneMinuteMean", Math.round(mean * 100) / 100.0).put("oneMinuteMax", max)
          .put("stealPercent", stealPercent());
    }
  }

  public String describe() {
    JsonObject j = toJson();
    return String.format(java.util.Locale.ROOT, "%d CPUs; load average (1/5/15 min) %s at start, %s at end; "
            + "1-min load during the run: mean %.2f, max %.2f; CPU time stolen by the hypervisor: %.1f %%",
        j.getInteger("cpus"), j.getString("atStart"), j.getString("atEnd"), j.getDouble("oneMinuteMean"),
        j.getDouble("oneMinuteMax"), j.getDouble("stealPercent"));
  }

  @Override
  public void close() {
    sampler.interrupt();
  }
}
