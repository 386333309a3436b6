package io.mmaas.console.usage;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongFunction;

/** Reads the API's quota answer ({@code limits} and {@code usage}) into the rows the page shows, in a fixed order. */
final class Quotas {
  /** The settable limits, in the order the page lists them. */
  static final List<String> FIELDS = List.of("requestsPerSecond", "burst", "requestsPerDay", "concurrentRequests",
      "maxModels", "maxStorageBytes", "maxReplicas", "maxGpuMemoryBytes");

  private Quotas() {}

  static List<QuotaRow> rows(JsonObject quota) {
    JsonObject limits = Json.object(quota, "limits");
    JsonObject usage = Json.object(quota, "usage");
    LongFunction<String> count = Long::toString;
    LongFunction<String> bytes = Format::bytes;
    return List.of(
        row(limits, "requestsPerSecond", "Requests per second", null, count),
        row(limits, "burst", "Burst", null, count),
        row(limits, "requestsPerDay", "Requests today", Json.numberOrNull(usage, "requestsToday"), count),
        row(limits, "concurrentRequests", "Concurrent requests", null, count),
        row(limits, "maxModels", "Models", Json.numberOrNull(usage, "models"), count),
        row(limits, "maxStorageBytes", "Model storage", Json.numberOrNull(usage, "storageBytes"), bytes),
        row(limits, "maxReplicas", "Replicas", Json.numberOrNull(usage, "replicas"), count),
        row(limits, "maxGpuMemoryBytes", "GPU memory", null, bytes));
  }

  private static QuotaRow row(JsonObject limits, String field, String label, Long used, LongFunction<String> text) {
    long limit = Json.number(limits, field, 0);
    return new QuotaRow(field, label, limit, text.apply(limit), used, used == null ? null : text.apply(used));
  }
}
