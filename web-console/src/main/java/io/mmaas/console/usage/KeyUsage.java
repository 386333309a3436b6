package io.mmaas.console.usage;

import io.mmaas.console.api.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One API key's usage over the page's window: which application sent what, for tenant admins and auditors.
 *
 * @param name the key's name, or null when the key no longer exists
 * @param prefix the key's public prefix, or null when the key no longer exists
 */
public record KeyUsage(String keyId, String name, String prefix, long requests, long errors, long throttled,
    long bytesIn, long bytesOut, long computeMs) {

  /** The API's per-key rows (any bucket) summed per key, busiest first. */
  static List<KeyUsage> of(List<io.vertx.core.json.JsonObject> items) {
    Map<String, KeyUsage> byKey = new LinkedHashMap<>();
    for (var item : items) {
      String id = Json.text(item, "keyId");
      if (id == null) {
        continue;
      }
      KeyUsage row = new KeyUsage(id, Json.text(item, "keyName"), Json.text(item, "keyPrefix"),
          Json.number(item, "requests", 0),
          Json.number(item, "errorsClient", 0) + Json.number(item, "errorsServer", 0),
          Json.number(item, "throttled", 0), Json.number(item, "bytesIn", 0), Json.number(item, "bytesOut", 0),
          Json.number(item, "computeMs", 0));
      byKey.merge(id, row, KeyUsage::plus);
    }
    List<KeyUsage> rows = new ArrayList<>(byKey.values());
    rows.sort(Comparator.comparingLong(KeyUsage::requests).reversed().thenComparing(KeyUsage::keyId));
    return rows;
  }

  private KeyUsage plus(KeyUsage other) {
    return new KeyUsage(keyId, name, prefix, requests + other.requests, errors + other.errors,
        throttled + other.throttled, bytesIn + other.bytesIn, bytesOut + other.bytesOut, computeMs + other.computeMs);
  }

  /** The name to show: the key's name, or that it was deleted. */
  public String label() {
    return name != null ? name : "(deleted key)";
  }
}
