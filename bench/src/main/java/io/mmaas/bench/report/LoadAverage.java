package io.mmaas.bench.report;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the machine's 1-minute load average (/proc/loadavg) every few seconds while a benchmark runs: the
 * machine is shared, and a load well above the core count makes every latency figure worse.
 */
public final class LoadAverage implements AutoCloseable {
  private final List<Double> samples = new ArrayList<>();
  private final String atStart = read();
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

  public JsonObject toJson() {
    synchronized (samples) {
      double max = samples.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      return new JsonObject().put("cpus", Runtime.getRuntime().availableProcessors()).put("atStart", atStart)
          .put("atEnd", read()).put("oneMinuteMean", Math.round(mean * 100) / 100.0).put("oneMinuteMax", max);
    }
  }

  public String describe() {
    JsonObject j = toJson();
    return String.format(java.util.Locale.ROOT, "%d CPUs; load average (1/5/15 min) %s at start, %s at end; "
            + "1-min load during the run: mean %.2f, max %.2f", j.getInteger("cpus"), j.getString("atStart"),
        j.getString("atEnd"), j.getDouble("oneMinuteMean"), j.getDouble("oneMinuteMax"));
  }

  @Override
  public void close() {
    sampler.interrupt();
  }
}
