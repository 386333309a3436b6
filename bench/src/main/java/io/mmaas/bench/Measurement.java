package io.mmaas.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * One measured run: how many calls completed in how long, with latency percentiles in microseconds.
 *
 * @param errors calls that failed or answered other than 200
 * @param serverCpu CPU µs per call spent by the side under test (the agent's threads, or the in-process callers);
 *     NaN when not measured
 */
record Measurement(String name, int concurrency, long calls, long errors, double seconds, double p50, double p99,
    double p999, double max, double serverCpu) {

  static Measurement of(String name, int concurrency, long calls, long errors, double seconds, Histogram micros) {
    return new Measurement(name, concurrency, calls, errors, seconds, micros.getValueAtPercentile(50),
        micros.getValueAtPercentile(99), micros.getValueAtPercentile(99.9), micros.getMaxValue(), Double.NaN);
  }

  Measurement withServerCpu(double micros) {
    return new Measurement(name, concurrency, calls, errors, seconds, p50, p99, p999, max, micros);
  }

  double perSecond() {
    return calls / seconds;
  }

  JsonObject toJson() {
    return new JsonObject().put("name", name).put("concurrency", concurrency).put("calls", calls)
        .put("errors", errors).put("seconds", seconds).put("perSecond", Math.round(perSecond() * 10) / 10.0)
        .put("p50Micros", p50).put("p99Micros", p99).put("p999Micros", p999).put("maxMicros", max)
        .put("serverCpuMicrosPerCall", Double.isNaN(serverCpu) ? null : Math.round(serverCpu * 10) / 10.0);
  }
}
