package io.mmaas.controlplane.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/** JSON with object keys sorted at every level, so the same details always hash to the same text. */
final class CanonicalJson {
  private CanonicalJson() {
  }

  static String encode(JsonObject value) {
    return value == null ? "{}" : ((JsonObject) sorted(value)).encode();
  }

  private static Object sorted(Object value) {
    if (value instanceof JsonObject o) {
      Map<String, Object> m = new TreeMap<>();
      o.forEach(e -> m.put(e.getKey(), sorted(e.getValue())));
      JsonObject out = new JsonObject();
      m.forEach(out::put);
      return out;
    }
    if (value instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return value;
  }
}
