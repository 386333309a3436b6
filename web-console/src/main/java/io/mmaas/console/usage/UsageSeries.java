package io.mmaas.console.usage;

import io.mmaas.console.api.Json;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API's per-model usage rows laid out on the window's buckets: totals per bucket (requests, errors, throttled)
 * and, per model, compute time per request. Buckets without rows are zero; rows outside the window are ignored.
 */
public record UsageSeries(List<Instant> buckets, long[] requests, long[] errors, long[] throttled,
    Map<String, double[]> computePerRequest, long totalRequests, long totalErrors, long totalThrottled,
    long totalComputeMs) {

  static UsageSeries of(List<Instant> buckets, List<JsonObject> rows) {
    int n = buckets.size();
    Map<Instant, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(buckets.get(i), i);
    }
    long[] requests = new long[n];
    long[] errors = new long[n];
    long[] throttled = new long[n];
    Map<String, long[]> modelRequests = new TreeMap<>();
    Map<String, long[]> modelCompute = new TreeMap<>();
    long computeMs = 0;
    for (JsonObject row : rows) {
      Integer i = bucket(index, Json.text(row, "start"));
      if (i == null) {
        continue;
      }
      long r = Json.number(row, "requests", 0);
      long c = Json.number(row, "computeMs", 0);
      requests[i] += r;
      errors[i] += Json.number(row, "errorsClient", 0) + Json.number(row, "errorsServer", 0);
      throttled[i] += Json.number(row, "throttled", 0);
      computeMs += c;
      String model = Json.text(row, "model");
      if (model != null) {
        modelRequests.computeIfAbsent(model, k -> new long[n])[i] += r;
        modelCompute.computeIfAbsent(model, k -> new long[n])[i] += c;
      }
    }
    Map<String, double[]> perRequest = new TreeMap<>();
    modelRequests.forEach((model, reqs) -> {
      long[] compute = modelCompute.get(model);
      double[] avg = new double[n];
      for (int i = 0; i < n; i++) {
        avg[i] = reqs[i] == 0 ? 0 : (double) compute[i] / reqs[i];
      }
      perRequest.put(model, avg);
    });
    return new UsageSeries(buckets, requests, errors, throttled, perRequest, sum(requests), sum(errors),
        sum(throttled), computeMs);
  }

  private static Integer bucket(Map<Instant, Integer> index, String start) {
    try {
      return start == null ? null : index.get(Instant.parse(start));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }
}
