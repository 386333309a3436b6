package io.mmaas.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one target saw in one run: answers by status (0 = no answer), latency of the 200s in microseconds, and the
 * 200s in each whole second of the run.
 */
public record LoadResult(String name, int concurrency, double seconds, Map<Integer, Long> statuses,
                         Histogram okMicros, long[] okPerSecond) {

  public long ok() {
    return statuses.getOrDefault(200, 0L);
  }

  public long total() {
    return statuses.values().stream().mapToLong(Long::longValue).sum();
  }

  public double okPerSec() {
    return ok() / seconds;
  }

  public double p50() {
    return okMicros.getValueAtPercentile(50);
  }

  public double p99() {
    return okMicros.getValueAtPercentile(99);
  }

  public JsonObject toJson() {
    JsonObject s = new JsonObject();
    new TreeMap<>(statuses).forEach((k, v) -> s.put(Integer.toString(k), v));
    JsonArray perSecond = new JsonArray();
    for (long n : okPerSecond) {
      perSecond.add(n);
    }
    return new JsonObject().put("name", name).put("concurrency", concurrency).put("seconds", round(seconds))
        .put("statuses", s).put("okPerSecond", round(okPerSec())).put("p50Micros", p50()).put("p99Micros", p99())
        .put("p999Micros", okMicros.getValueAtPercentile(99.9)).put("maxMicros", okMicros.getMaxValue())
        .put("okInEachSecond", perSecond);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
